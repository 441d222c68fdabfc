"""The article body: how it is stored, sanitised and rendered.

Stored form: HTML that has passed `sanitize` (nh3, an allowlist), in which pictures and
related stories appear only as references:

    <figure data-picture="12"></figure>
    <p class="also-read" data-article="34"></p>
    <figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=…"></figure>

`render` turns each reference into markup from the current picture or story, so a renamed
story or a re-captioned picture never leaves a stale copy inside a body. A reference to a
story that is not published renders nothing; a missing picture renders nothing. Embeds are
kept only for the providers in embeds.py, and their markup is built at render time.
See docs/architecture.md.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Mapping

import nh3
from markupsafe import Markup, escape

from dateline.news.body_shape import BodyRefused, balanced
from dateline.news.embeds import EmbedRefused, embed_html, embed_parse, embed_placeholder

__all__ = ["BodyRefused", "sanitize", "render", "references", "text_for_counting"]

BLOCK_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "figure", "hr", "br"}
INLINE_TAGS = {"a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "cite", "q", "abbr"}
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
        "figure": {"data-picture", "data-embed", "data-url"},
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
EMBED_REF = re.compile(r'<figure data-embed="([a-z]+)" data-url="([^"]*)">\s*</figure>')
_ANY_EMBED = re.compile(r"<figure(?=[^>]*\sdata-(?:embed|url)=)[^>]*>(.*?)</figure>", re.S)
_ATTR = re.compile(r'\s(data-[a-z]+)="([^"]*)"')
# Word and Google Docs leave empty paragraphs (often a lone &nbsp; or <br>) as spacing.
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")


def sanitize(fragment: str) -> str:
    """The only way HTML enters a body. Idempotent: sanitising stored HTML changes nothing.
    BodyRefused (a ValueError) when the text is nested too deep for any story: nh3's parse
    costs tokens × depth, so the shape is bounded first, in one pass (body_shape.py)."""
    fragment = fragment or ""
    html = _clean(fragment)
    if html == fragment:
        # Given its own output, _clean gives it back: a fixed point already (a wire's
        # clean paragraphs, a stored body saved again), one pass of nh3 instead of two.
        return html
    # html5ever writes out what it parsed, which is not always what it would parse from
    # its own output (a list item's paragraph after misnested markup, a carriage return
    # from `&#13;`): passes until nothing changes, so that a story saved once (an import's
    # batch) stores what a second save would. Hostile input settles within three.
    for _ in range(3):
        again = _clean(html)
        if again == html:
            break
        html = again
    return html


def _clean(fragment: str) -> str:
    # nh3 leaves an empty class attribute where it removed every class.
    html = nh3.clean(balanced(fragment), **_SANITIZE_OPTIONS).replace(' class=""', "")
    checked = _ANY_EMBED.sub(_checked_embed, html)
    if checked != html:
        # Removing a figure can leave a stray closing tag behind: cleaned again.
        html = nh3.clean(checked, **_SANITIZE_OPTIONS).replace(' class=""', "")
    # A carriage return written out as a character is read back as a line feed (HTML's
    # input stream normalises CR and CRLF).
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    return _EMPTY_PARAGRAPH.sub("", html).strip()


def _checked_embed(match: re.Match) -> str:
    """An embed figure rewritten in its one canonical form, or removed: its URL must parse
    for the provider it names (embeds.py). A figure that carries anything else is dropped."""
    attrs = dict(_ATTR.findall(match.group(0).split(">", 1)[0]))
    if match.group(1).strip() or "data-picture" in attrs:
        return ""
    try:
        embed = embed_parse(html_lib.unescape(attrs.get("data-url", "")))
    except EmbedRefused:
        return ""
    return embed_placeholder(embed) if embed.provider.key == attrs.get("data-embed") else ""


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

    def embed(match: re.Match) -> str:
        try:
            return embed_html(embed_parse(html_lib.unescape(match.group(2))))
        except EmbedRefused:
            return ""

    # Each pattern's scan only where its attribute occurs: a substring search is far
    # cheaper than the regex engine's pass over the whole body, and most bodies hold one
    # kind of reference or none (every uncached article page renders its body).
    html = stored or ""
    if 'data-picture="' in html:
        html = PICTURE_REF.sub(figure, html)
    if 'data-article="' in html:
        html = ALSO_READ_REF.sub(also_read, html)
    if 'data-embed="' in html:
        html = EMBED_REF.sub(embed, html)
    if 'data-article="' in html:
        html = ARTICLE_LINK_REF.sub(link, html)
    return Markup(html)


def text_for_counting(stored: str) -> str:
    """Body text readers read: references (pictures, ALSO READ) excluded."""
    from dateline.core.text import html_to_text

    html = stored or ""
    # Most bodies hold no reference: three scans of the text saved.
    if "<figure data-picture" in html:
        html = PICTURE_REF.sub(" ", html)
    if "also-read" in html:
        html = ALSO_READ_REF.sub(" ", html)
    if "<figure data-embed" in html:
        html = EMBED_REF.sub(" ", html)
    return html_to_text(html)
