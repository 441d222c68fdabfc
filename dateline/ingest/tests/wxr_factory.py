"""Generated WordPress exports of any size, for the tests (hundreds of posts) and the
benchmark (50,000). Written as a stream, so the generator's memory is flat too."""

from __future__ import annotations

from pathlib import Path

SITE = "https://big-export.example"
SECTIONS = ["news", "sport", "business", "culture", "opinion"]
WORDS = (
    "harbour ferry quay board council tide crossing island pier lighthouse fishing market "
    "storm timetable fares bridge regatta school museum library festival weather season"
).split()


def _paragraph(n: int, k: int) -> str:
    words = [WORDS[(n * 7 + k * 3 + i) % len(WORDS)] for i in range(40)]
    return " ".join(words).capitalize() + "."


def write_export(path: Path, count: int, *, site: str = SITE, slug: str = "story") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Generated export</title>\n<link>{site}</link>\n"
            f"<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{site}</wp:base_site_url>\n"
            "<wp:author><wp:author_login>desk</wp:author_login>"
            "<wp:author_display_name>News Desk</wp:author_display_name></wp:author>\n"
        )
        for slug in SECTIONS:
            out.write(
                f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:category_parent></wp:category_parent><wp:cat_name>{slug.title()}"
                "</wp:cat_name></wp:category>\n"
            )
        for n in range(1, count + 1):
            day = 1 + n % 28
            status = "draft" if n % 10 == 0 else "publish"
            link = f"{site}/2025/{1 + n % 12:02d}/{day:02d}/story-{n}/"
            previous = (
                f' See <a href="{site}/2025/{1 + (n - 1) % 12:02d}/{1 + (n - 1) % 28:02d}/'
                f'story-{n - 1}/">the story before</a>.'
                if n > 1
                else ""
            )
            body = "\n\n".join(_paragraph(n, k) for k in range(3)) + previous
            out.write(
                f"<item>\n<title>Generated story number {n}</title>\n<link>{link}</link>\n"
                f"<dc:creator><![CDATA[desk]]></dc:creator>\n"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>\n"
                f"<excerpt:encoded><![CDATA[Standfirst of story {n}.]]></excerpt:encoded>\n"
                f"<wp:post_id>{n}</wp:post_id>\n"
                f"<wp:post_date_gmt>2025-{1 + n % 12:02d}-{day:02d} 08:{n % 60:02d}:00"
                "</wp:post_date_gmt>\n"
                f"<wp:post_name>{slug}-{n}</wp:post_name>\n<wp:status>{status}</wp:status>\n"
                "<wp:post_type>post</wp:post_type>\n"
                f'<category domain="category" nicename="{SECTIONS[n % len(SECTIONS)]}">'
                f"{SECTIONS[n % len(SECTIONS)].title()}</category>\n"
                f'<category domain="post_tag" nicename="tag-{n % 50}">Tag {n % 50}</category>\n'
                "</item>\n"
            )
        out.write("</channel>\n</rss>\n")
    return path
