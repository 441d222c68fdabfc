#!/usr/bin/env python
"""Load N synthetic stories into a fresh Dateline database, quickly.

    DATELINE_VAR_DIR=/tmp/bench-1k .venv/bin/python bench/load_stories.py 1000

The database is the one the environment names (DATABASE_URL, default a SQLite file in
DATELINE_VAR_DIR); it is migrated first and must hold no stories (use --force to add to one
that does). Writes `bench-slugs.txt` (one article slug a line) into DATELINE_VAR_DIR for the
wrk scripts.

What is loaded: 8 sections, 60 authors, 150 tags, 80 topics, 24 pictures (small JPEGs made
with Pillow), and N published stories spread over the past six years. Each body is ~700 words
in 10-11 paragraphs with a crosshead, a block quotation, most with a picture reference and an
"ALSO READ" reference to an earlier story, so a page resolves both kinds of reference.

Speed: rows go in with bulk_create, which does not call Article.save(). So each story is first
passed through Article.save() with its database write shadowed (`derive`): the model's own
code sanitises the body and computes body_words and teaser_source. The reference M2Ms
(body_pictures, related_articles) are filled from body.references() as
services.article_sync_references does. At the end a sample of stories is re-saved through
Article.save() inside a rolled-back transaction and compared field by field, so the loader
fails loudly if it ever drifts from the model. The "Don't Miss" list is set through
the newsroom's `front_curate`, as `dateline curate` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dateline.core.text import unique_slug  # noqa: E402
from dateline.news import body as body_format  # noqa: E402
from dateline.news.models import (  # noqa: E402
    Article,
    Author,
    Publication,
    Section,
    Status,
    Tag,
    Topic,
)
from dateline.newsroom.actions.workflow import front_curate  # noqa: E402
from dateline.newsroom.actors import command_line_actor  # noqa: E402
from dateline.pictures.services import picture_create_or_update  # noqa: E402

SECTIONS = ["Top News", "World", "Business", "Politics", "Culture", "Sport", "Science", "Opinion"]
SECTION_WEIGHTS = [6, 4, 3, 3, 2, 2, 1, 1]
FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Tanaka",
    "Costa",
    "Reyes",
    "Novak",
    "Banerjee",
    "Walsh",
    "Kowalski",
    "Mensah",
    "Ito",
    "Fischer",
    "Duarte",
]
WORDS = (
    "government minister council election vote budget economy growth inflation market trade "
    "report analysis officials said statement according people city country region border "
    "talks agreement deal plan policy reform court ruling judge case law police security "
    "health hospital doctors patients school students teachers university research study "
    "scientists climate energy power water weather storm flood drought farmers prices "
    "company shares investors bank rates jobs workers union strike industry technology "
    "internet data privacy platform users service public private sector spending tax "
    "president leader party opposition parliament senate campaign coalition support "
    "week month year today yesterday morning evening since after before during while "
    "the a an of to in on for with by from at about as into over under between against "
    "new old first last major minor local national international global early late "
    "increase decrease rise fall record highest lowest expected warned announced confirmed "
    "community residents families children women men village street building bridge road "
    "festival music film artist museum exhibition book author theatre match team coach "
    "season league final goal victory defeat players fans stadium championship"
).split()
CREDITS = ["", "", "reports Dateline News", "reports our correspondent"]
QUOTES = [
    "We have to be honest about what this means for families who are already struggling.",
    "Nobody expected the numbers to move this quickly, and we are still catching up.",
    "This is not the end of the process; it is the start of a much longer conversation.",
    "The evidence was clear, and we acted on it as soon as we could.",
]


def sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(WORDS, k=n)
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng: random.Random) -> str:
    parts, total = [], 0
    target = rng.randint(45, 72)
    while total < target:
        n = rng.randint(9, 22)
        parts.append(sentence(rng, n))
        total += n
    return " ".join(parts)


def headline(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(7, 12))
    return words[0].capitalize() + " " + " ".join(words[1:])


def make_body(
    rng: random.Random, pool: list[str], picture_id: int | None, also_read_id: int | None
) -> str:
    """~700 words: 10-11 paragraphs, a crosshead, a quotation, maybe a picture and an
    ALSO READ reference, as an editor's HTML (it is sanitised afterwards)."""
    paras = rng.sample(pool, rng.randint(10, 11))
    parts = [f"<p>{p}</p>" for p in paras[:3]]
    if picture_id:
        parts.append(body_format.picture_placeholder(picture_id))
    parts += [f"<p>{p}</p>" for p in paras[3:5]]
    parts.append(f"<blockquote><p>“{rng.choice(QUOTES)}”</p></blockquote>")
    if also_read_id:
        parts.append(body_format.also_read_placeholder(also_read_id))
    parts.append(f"<h2>{headline(rng)[:60]}</h2>")
    parts += [f"<p>{p}</p>" for p in paras[5:]]
    return "\n".join(parts)


def _no_write(*args, **kwargs) -> None:
    pass


def derive(article: Article) -> None:
    """Run Article.save() itself, minus the database write: whatever save() derives (the
    sanitised body, body_words, teaser_source, and anything added later) is computed by the
    model's own code. Model.save() ends in save_base(), the method that writes; shadowing it
    on this one instance stops there. verify() re-checks a sample the ordinary way."""
    article.save_base = _no_write
    try:
        article.save()
    finally:
        del article.save_base


def jpeg(rng: random.Random, width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), tuple(rng.randint(40, 200) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(20, width // 3)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3))
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()


def verify(sample: list[int]) -> None:
    """Re-save a few stories through Article.save() and compare: the loader must agree
    with the model exactly."""
    for pk in sample:
        stored = Article.objects.get(pk=pk)
        expect = (stored.body, stored.body_words, stored.teaser_source)
        pictures = set(stored.body_pictures.values_list("pk", flat=True))
        related = set(stored.related_articles.values_list("pk", flat=True))
        with transaction.atomic():
            stored.save()
            got = (stored.body, stored.body_words, stored.teaser_source)
            want_pics, want_rel = body_format.references(stored.body)
            transaction.set_rollback(True)
        if got != expect:
            raise SystemExit(f"derived fields of article {pk} differ from Article.save()")
        if pictures != want_pics or related != (want_rel - {pk}):
            raise SystemExit(f"reference M2Ms of article {pk} differ from the body")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of stories, e.g. 1000 or 100000")
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--force", action="store_true", help="load even if stories exist")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()

    call_command("migrate", interactive=False, verbosity=0)
    if Article.objects.exists() and not args.force:
        raise SystemExit(
            "The database already holds stories; load into a fresh DATELINE_VAR_DIR "
            "(or pass --force)."
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # bulk loading only; WAL keeps it crash-safe enough
            cur.execute("PRAGMA synchronous=OFF")

    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        pub = Publication.load()
        pub.name, pub.tagline = "The Dateline Bench", "Synthetic stories for benchmarks"
        pub.save()
        sections = [
            Section.objects.create(name=name, slug=unique_slug(name), position=i)
            for i, name in enumerate(SECTIONS)
        ]
        names = [f"{first} {last}" for first in FIRST for last in LAST]
        authors = Author.objects.bulk_create(
            Author(name=name, slug=unique_slug(name)) for name in rng.sample(names, 60)
        )
        tags = Tag.objects.bulk_create(
            Tag(name=w, slug=unique_slug(f"{w}-{i}"))
            for i, w in enumerate(rng.choices(WORDS, k=150))
        )
        topics = Topic.objects.bulk_create(
            Topic(kind=rng.choice(Topic.Kind.values), name=name, slug=unique_slug(f"{name} {i}"))
            for i, name in enumerate(rng.choices(names, k=80))
        )
    pictures = []
    for i in range(24):
        pic, _ = picture_create_or_update(
            data=jpeg(rng, 1200, 675),
            filename=f"bench-{i + 1}.jpg",
            caption=headline(rng)[:70],
            alt_text=f"Illustration {i + 1}",
            credit=rng.choice(["ANI", "Reuters", "AP", "Staff photographer"]),
        )
        pictures.append(pic)
    t_meta = time.perf_counter()

    pool = [paragraph(rng) for _ in range(600)]
    span = dt.timedelta(days=6 * 365).total_seconds()
    # Story i is published before story i+1, so pk order is time order and an ALSO READ
    # always points back at an older story; offsets are random within that order.
    offsets = sorted(rng.uniform(60, span) for _ in range(args.count))[::-1]
    first_pk = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    section_of = {}
    slugs: list[str] = []
    batch: list[Article] = []
    m2m = {name: [] for name in ("authors", "tags", "topics", "body_pictures", "related_articles")}
    batch_size = 2000

    def flush():
        Article.objects.bulk_create(batch, batch_size=500)
        through = {name: getattr(Article, name).through for name in m2m}
        for name, rows in m2m.items():
            through[name].objects.bulk_create(rows, batch_size=2000)
            rows.clear()
        batch.clear()

    with transaction.atomic():
        for i in range(args.count):
            pk = first_pk + i
            head = headline(rng)
            slug = f"{unique_slug(head)[:180]}-{pk}"
            section = rng.choices(sections, weights=SECTION_WEIGHTS)[0]
            section_of[pk] = section.pk
            lead = rng.choice(pictures) if rng.random() < 0.6 else None
            in_body = rng.choice(pictures) if rng.random() < 0.5 else None
            also = rng.randint(first_pk, pk - 1) if pk > first_pk and rng.random() < 0.6 else None
            published = now - dt.timedelta(seconds=offsets[i])
            credit = rng.choice(CREDITS)
            article = Article(
                pk=pk,
                headline=head,
                slug=slug,
                # As on the seed page: a standfirst that carries its credit has no full stop.
                standfirst=sentence(rng, rng.randint(18, 30)).rstrip(".")
                if credit
                else sentence(rng, rng.randint(18, 30)),
                source_credit=credit,
                body=make_body(rng, pool, in_body.pk if in_body else None, also),
                section=section,
                lead_picture=lead,
                status=Status.PUBLISHED,
                published_at=published,
                updated_at=published + dt.timedelta(hours=3) if rng.random() < 0.1 else None,
                language="en",
                located=rng.choice(["", "London", "Delhi", "Lagos", "Lima"]),
            )
            derive(article)
            batch.append(article)
            slugs.append(slug)
            Through = Article.authors.through
            for a in rng.sample(authors, rng.choice([1, 1, 1, 2])):
                m2m["authors"].append(Through(article_id=pk, author_id=a.pk))
            for t in rng.sample(tags, rng.randint(0, 3)):
                m2m["tags"].append(Article.tags.through(article_id=pk, tag_id=t.pk))
            for t in rng.sample(topics, rng.randint(0, 2)):
                m2m["topics"].append(Article.topics.through(article_id=pk, topic_id=t.pk))
            pic_ids, art_ids = body_format.references(article.body)
            for pid in pic_ids:
                m2m["body_pictures"].append(
                    Article.body_pictures.through(article_id=pk, picture_id=pid)
                )
            for aid in art_ids - {pk}:
                m2m["related_articles"].append(
                    Article.related_articles.through(from_article_id=pk, to_article_id=aid)
                )
            if len(batch) >= batch_size:
                flush()
        flush()
    t_articles = time.perf_counter()

    newest = list(Article.objects.published().newest_first()[:40])
    front_curate(key="dont-miss", articles=rng.sample(newest, 2), by=command_line_actor())
    verify(rng.sample(range(first_pk, first_pk + args.count), min(5, args.count)))
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    out = Path(settings.VAR_DIR) / "bench-slugs.txt"
    out.write_text("\n".join(slugs) + "\n")
    total = time.perf_counter() - t0
    print(
        f"loaded {args.count} stories in {total:.1f}s "
        f"(setup {t_meta - t0:.1f}s, stories {t_articles - t_meta:.1f}s); "
        f"database {settings.DATABASES['default']['NAME']}; slugs in {out}"
    )


if __name__ == "__main__":
    main()
