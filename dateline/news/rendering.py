"""Markup for pieces shared by several pages: pictures and resolved bodies."""

from __future__ import annotations

from markupsafe import Markup, escape

from dateline.news import body as body_format
from dateline.news.models import Article
from dateline.pictures.models import Picture

# Story columns are at most ~40rem wide; on phones the picture spans the screen.
FIGURE_SIZES = "(min-width: 44rem) 40rem, 100vw"


def picture_element(
    picture: Picture,
    *,
    sizes: str,
    ratio: str | None = None,
    alt: str | None = None,
    eager: bool = False,
    limit: int = 1920,
) -> str:
    """<picture> with WebP and JPEG renditions; width/height keep the layout from jumping."""
    if ratio:
        rw, rh = (int(n) for n in ratio.split("x"))
        width, height = 1200, round(1200 * rh / rw)
    else:
        width, height = picture.width, picture.height
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    text = picture.alt_text or picture.caption if alt is None else alt
    return (
        f'<picture><source type="image/webp" '
        f'srcset="{escape(picture.srcset(ratio, "webp", limit))}" sizes="{sizes}">'
        f'<img src="{escape(picture.rendition_url(960, ratio))}" '
        f'srcset="{escape(picture.srcset(ratio, "jpg", limit))}" sizes="{sizes}" '
        f'alt="{escape(text)}" width="{width}" height="{height}" {loading} decoding="async">'
        f"</picture>"
    )


def picture_figure(picture: Picture, *, css_class: str = "picture", eager: bool = False) -> str:
    caption = escape(picture.caption)
    credit = (
        f' <span class="credit">Pic credits {escape(picture.credit)}</span>'
        if picture.credit
        else ""
    )
    figcaption = f"<figcaption>{caption}{credit}</figcaption>" if (caption or credit) else ""
    image = picture_element(picture, sizes=FIGURE_SIZES, eager=eager, limit=1280)
    return f'<figure class="{css_class}">{image}{figcaption}</figure>'


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
