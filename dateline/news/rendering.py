"""Markup for pieces shared by several pages: pictures and resolved bodies."""

from __future__ import annotations

from markupsafe import Markup, escape

from dateline.news import body as body_format
from dateline.news.models import Article
from dateline.pictures.models import Picture


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
    article: Article, *, pictures: dict[int, Picture], related: list[Article]
) -> Markup:
    """The stored body with its references resolved against the rows the page fetched:
    `pictures` by id, `related` the published stories among those it links to."""
    return body_format.render(
        article.body,
        pictures=pictures,
        articles={a.pk: a for a in related},
        picture_html=picture_figure,
        article_url=lambda a: a.get_absolute_url(),
    )
