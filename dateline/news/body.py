"""The article body: how it is stored, sanitised and rendered.

Stored form: HTML that has passed `sanitize` (nh3, an allowlist), in which pictures and
related stories appear only as references:

    <figure data-picture="12"></figure>
    <p class="also-read" data-article="34"></p>

`render` turns each reference into markup from the current picture or story, so a renamed
story or a re-captioned picture never leaves a stale copy inside a body. A reference to a
story that is not published renders nothing; a missing picture renders nothing.
See docs/architecture.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import nh3
from markupsafe import Markup, escape

BLOCK_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "figure", "hr", "br"}
INLINE_TAGS = {"a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "cite", "q", "span", "abbr"}
ALLOWED_TAGS = BLOCK_TAGS | INLINE_TAGS

_SANITIZE_OPTIONS = {
    "tags": ALLOWED_TAGS,
    # Script, style and embedded documents are removed with their content, not unwrapped.
    "clean_content_tags": {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
    },
    "attributes": {
        "a": {"href", "title", "data-article"},
        "abbr": {"title"},
        "figure": {"data-picture"},
        "p": {"data-article"},
        "blockquote": {"cite"},
    },
    "allowed_classes": {"p": {"also-read"}},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
}

PICTURE_REF = re.compile(r'<figure data-picture="(\d+)">\s*</figure>')
ALSO_READ_REF = re.compile(r'<p class="also-read" data-article="(\d+)">\s*</p>')
ARTICLE_LINK_REF = re.compile(r'<a data-article="(\d+)"[^>]*>(.*?)</a>', re.S)
_REF_ATTR = re.compile(r'data-(picture|article)="(\d+)"')


def sanitize(fragment: str) -> str:
    """The only way HTML enters a body. Idempotent: sanitising stored HTML changes nothing."""
    # nh3 leaves an empty class attribute where it removed every class.
    return nh3.clean(fragment or "", **_SANITIZE_OPTIONS).replace(' class=""', "").strip()


def picture_placeholder(picture_id: int) -> str:
    return f'<figure data-picture="{int(picture_id)}"></figure>'


def also_read_placeholder(article_id: int) -> str:
    return f'<p class="also-read" data-article="{int(article_id)}"></p>'


def references(stored: str) -> tuple[set[int], set[int]]:
    """Ids of the pictures and stories a stored body refers to."""
    pictures: set[int] = set()
    articles: set[int] = set()
    for kind, ident in _REF_ATTR.findall(stored or ""):
        (pictures if kind == "picture" else articles).add(int(ident))
    return pictures, articles


def render(
    stored: str,
    *,
    pictures: Mapping[int, object],
    articles: Mapping[int, object],
    picture_html: Callable[[object], str],
    article_url: Callable[[object], str],
) -> Markup:
    """Resolve references against the current rows. `articles` holds visible stories only."""

    def figure(match: re.Match) -> str:
        picture = pictures.get(int(match.group(1)))
        return picture_html(picture) if picture is not None else ""

    def also_read(match: re.Match) -> str:
        story = articles.get(int(match.group(1)))
        if story is None:
            return ""
        return (
            f'<p class="also-read"><strong>ALSO READ:</strong> '
            f'<a href="{escape(article_url(story))}">{escape(story.headline)}</a></p>'
        )

    def link(match: re.Match) -> str:
        story = articles.get(int(match.group(1)))
        if story is None:
            return match.group(2)
        return f'<a href="{escape(article_url(story))}">{match.group(2)}</a>'

    html = PICTURE_REF.sub(figure, stored or "")
    html = ALSO_READ_REF.sub(also_read, html)
    html = ARTICLE_LINK_REF.sub(link, html)
    return Markup(html)


def text_for_counting(stored: str) -> str:
    """Body text readers read: references (pictures, ALSO READ) excluded."""
    from dateline.core.text import html_to_text

    html = PICTURE_REF.sub(" ", stored or "")
    html = ALSO_READ_REF.sub(" ", html)
    return html_to_text(html)
