"""A WordPress post body made into a Dateline body: what `wpautop` would have rendered,
without Gutenberg's comments, with `[caption]` shortcodes and images turned into pictures
and links between migrated stories turned into references.

Pure text in, text out; the parser (wxr.py) supplies the functions that name a picture and
a migrated story (by its old URL) in the record's symbolic references.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# Block-level tags: wpautop never wraps these in <p>, and breaks paragraphs around them.
_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_BLOCK_OPEN = re.compile(rf"(<(?:{_BLOCKS})[\s/>])", re.I)
_BLOCK_CLOSE = re.compile(rf"(</(?:{_BLOCKS})>)", re.I)
_GUTENBERG = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.S)
_PRESERVE = re.compile(r"<(pre|script|style|textarea)\b.*?</\1>", re.S | re.I)

_CAPTION = re.compile(r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.S | re.I)
_SHORTCODE_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_SHORTCODE = re.compile(r"\[/?[a-zA-Z_][\w-]*(?:\s[^\]]*)?\]")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))')
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.I)
_HREF = re.compile(r'<a\b([^>]*?)\bhref\s*=\s*("([^"]*)"|\'([^\']*)\')([^>]*)>', re.I)
_CREDIT = re.compile(
    r"^(?P<text>.*?)[\s.,;–—-]*\(?\s*"
    r"(?:(?:photo(?:graph)?|picture|pic|image|credits?)\s*(?::|–|—|-|\bby\b)|©|pic credits\b)"
    r"\s*(?P<credit>[^()]{2,120}?)\)?\s*$",
    re.I | re.S,
)
_BARE_URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$", re.M)


@dataclass
class Image:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    attachment_id: str = ""


@dataclass
class Converted:
    html: str
    notes: list[str] = field(default_factory=list)


def attrs(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(tag)
    }


def split_credit(caption: str) -> tuple[str, str]:
    """'Harbour at dawn. Photo: Mara Lind' → ('Harbour at dawn.', 'Mara Lind')."""
    text = caption.strip()
    match = _CREDIT.match(text)
    if not match or not match.group("text").strip():
        return text, ""
    return match.group("text").rstrip(" .,;:–—-") + ("." if text.endswith(".") else ""), (
        match.group("credit").strip().rstrip(".)")
    )


def wpautop(text: str) -> str:
    """Paragraphs from blank lines and line breaks from single newlines, as WordPress's
    wpautop() renders a classic-editor post (our own implementation of its rules)."""
    if not text.strip():
        return ""
    preserved: list[str] = []

    def keep(match: re.Match) -> str:
        preserved.append(match.group(0))
        return f"<!--dateline-pre-{len(preserved) - 1}-->"

    text = _PRESERVE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    # Blocks always stand on their own lines, so they are never inside a paragraph.
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.match(rf"^</?(?:{_BLOCKS})[\s/>]", chunk, re.I) or chunk.startswith(
            "<!--dateline-pre-"
        ):
            out.append(chunk)
            continue
        out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    result = "\n".join(out)
    # A paragraph that only wraps the end of a block, or a block's start, is unwrapped.
    result = re.sub(rf"<p>\s*(</?(?:{_BLOCKS})[^>]*>)\s*</p>", r"\1", result, flags=re.I)
    for i, block in enumerate(preserved):
        result = result.replace(f"<!--dateline-pre-{i}-->", block)
    return result


def convert(
    content: str,
    *,
    picture_ref: Callable[[Image], str | None],
    article_ref: Callable[[str], str | None],
    embed_ref: Callable[[str], str | None],
) -> Converted:
    """`picture_ref(image)` returns the figure for an image or None (the image is left out,
    with a note); `article_ref(url)` the attribute that makes a link to an old URL a link to
    the migrated story there, or None; `embed_ref(url)` an embed figure for an allowlisted
    URL, or None."""
    notes: list[str] = []
    text = _GUTENBERG.sub("", content or "")

    def caption(match: re.Match) -> str:
        options = attrs(match.group(1))
        inner = match.group(2)
        img = _IMG.search(inner)
        if img is None:
            return inner
        caption_text = re.sub(r"<[^>]+>", "", _LINKED_IMG.sub("", _IMG.sub("", inner)))
        caption_text = html.unescape(caption_text).strip() or options.get("caption", "")
        found = attrs(img.group(0))
        text_part, credit = split_credit(caption_text)
        image = Image(
            src=found.get("src", ""),
            alt=found.get("alt", ""),
            caption=text_part,
            credit=credit,
            attachment_id=options.get("id", "").removeprefix("attachment_"),
        )
        return "\n\n" + _figure(image) + "\n\n"

    def _figure(image: Image) -> str:
        figure = picture_ref(image)
        if figure is None:
            notes.append(f"picture {image.src or image.attachment_id} left out")
            return ""
        return figure

    text = _CAPTION.sub(caption, text)

    def embed(match: re.Match) -> str:
        url = html.unescape(match.group(1).strip())
        figure = embed_ref(url)
        return (
            f"\n\n{figure}\n\n"
            if figure
            else f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
        )

    text = _SHORTCODE_EMBED.sub(embed, text)

    # WordPress turns a URL alone on its line into an embed (oEmbed); we do for our allowlist.
    def bare(match: re.Match) -> str:
        figure = embed_ref(match.group(1))
        return f"\n\n{figure}\n\n" if figure else match.group(0)

    text = _BARE_URL_LINE.sub(bare, text)
    remaining = _SHORTCODE.findall(text)
    if remaining:
        names = sorted({re.sub(r"[\[\]/]", "", s).split()[0] for s in remaining if s.strip("[]/")})
        notes.append(f"shortcodes removed: {', '.join(names)}")
        text = _SHORTCODE.sub("", text)

    def image(match: re.Match) -> str:
        found = attrs(match.group(0))
        return "\n\n" + _figure(Image(src=found.get("src", ""), alt=found.get("alt", ""))) + "\n\n"

    text = _LINKED_IMG.sub(lambda m: image(_IMG.search(m.group(1))), text)
    text = _IMG.sub(image, text)
    text = wpautop(text)

    def link(match: re.Match) -> str:
        url = html.unescape(match.group(3) if match.group(3) is not None else match.group(4))
        target = article_ref(url)
        if target is None:
            return match.group(0)
        return f'<a {target} href="{html.escape(url)}">'

    text = _HREF.sub(link, text)
    return Converted(text, notes)
