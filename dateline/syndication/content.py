"""A story's body as it leaves the site: references resolved against the current rows,
pictures as plain <img> figures with caption and credit, every link absolute."""

from __future__ import annotations

import lxml.html
from markupsafe import escape

from dateline.news import body as body_format
from dateline.pictures.models import Picture
from dateline.syndication.identity import absolute, site_url
from dateline.syndication.renditions import rendition
from dateline.syndication.selectors import Story


def figure(picture: Picture, *, assoc_ref: str = "") -> str:
    """A figure any feed reader shows: one JPEG, no <picture> or srcset to resolve.
    `assoc_ref` names the ninjs association the figure stands for."""
    r = rendition(picture)
    caption = escape(picture.caption)
    credit = (
        f' <span class="credit">Pic credits {escape(picture.credit)}</span>'
        if picture.credit
        else ""
    )
    figcaption = f"<figcaption>{caption}{credit}</figcaption>" if (caption or credit) else ""
    alt = escape(picture.alt_text or picture.caption)
    ref = f' data-assoc-ref="{escape(assoc_ref)}"' if assoc_ref else ""
    return (
        f"<figure{ref}>"
        f'<img src="{escape(r.url)}" alt="{alt}" width="{r.width}" '
        f'height="{r.height}">{figcaption}</figure>'
    )


def body_html(story: Story, *, lead: bool = True) -> str:
    """The rendered body; with `lead`, the lead picture above it as on the article page
    (unless the body carries it)."""
    article = story.article
    html = body_format.render(
        article.body,
        pictures=story.pictures,
        articles=story.related,
        picture_html=figure,
        article_url=lambda a: absolute(a.get_absolute_url()),
    )
    if lead and article.lead_picture_id in story.pictures:
        if article.lead_picture_id not in story.body_picture_ids:
            html = figure(story.pictures[article.lead_picture_id]) + html
    return make_links_absolute(str(html))


def make_links_absolute(html: str) -> str:
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    root.make_links_absolute(site_url() + "/", resolve_base_href=False)
    inner = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )
    return inner
