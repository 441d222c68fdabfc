"""Markup for pieces shared by several pages: pictures and resolved bodies."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from dateline.media.models import Picture
from dateline.news import body as body_format
from dateline.news.models import Article


def picture_figure(picture: Picture, *, css_class: str = "picture", eager: bool = False) -> str:
    caption = escape(picture.caption)
    credit = (
        f' <span class="credit">Pic credits {escape(picture.credit)}</span>'
        if picture.credit
        else ""
    )
    figcaption = f"<figcaption>{caption}{credit}</figcaption>" if (caption or credit) else ""
    loading = "eager" if eager else "lazy"
    return (
        f'<figure class="{css_class}"><img src="{escape(picture.url)}" '
        f'alt="{escape(picture.alt_text or picture.caption)}" width="{picture.width}" '
        f'height="{picture.height}" loading="{loading}" decoding="async">{figcaption}</figure>'
    )


def render_body(
    article: Article, *, now: dt.datetime
) -> tuple[Markup, dict[int, Picture], list[Article]]:
    """The stored body with its references resolved: one query for pictures and one for
    stories, and only when the body has any."""
    picture_ids, article_ids = body_format.references(article.body)
    pictures = {p.pk: p for p in Picture.objects.filter(pk__in=picture_ids)} if picture_ids else {}
    related = (
        list(
            Article.objects.published(now).filter(pk__in=article_ids).only("pk", "slug", "headline")
        )
        if article_ids
        else []
    )
    html = body_format.render(
        article.body,
        pictures=pictures,
        articles={a.pk: a for a in related},
        picture_html=picture_figure,
        article_url=lambda a: a.get_absolute_url(),
    )
    return html, pictures, related
