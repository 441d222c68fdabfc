"""Plain-text helpers shared by pages, feeds and imports."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from urllib.parse import quote as _quote

from django.utils.text import slugify

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")

WORDS_PER_MINUTE = 200

# What urllib.parse.quote leaves as it is: its always-safe characters, and its default safe "/".
_AS_IS = re.compile(r"[A-Za-z0-9_.~/-]*")


def quote(value: str) -> str:
    """`urllib.parse.quote(value)`, which encodes the text and walks its bytes even when
    nothing needs quoting, as in almost every slug: a page builds a few dozen addresses
    (sections, teasers, bylines, tags), and quoting them was 1–2 % of an uncached article."""
    return value if _AS_IS.fullmatch(value) else _quote(value)


def html_to_text(fragment: str) -> str:
    """Visible text of a sanitised fragment, block boundaries turned into spaces."""
    # split() and join() collapse the same whitespace `\s+` does (both are str.isspace) at
    # a third of the cost: a story's text is made two or three times as it is imported.
    return " ".join(html.unescape(_TAG.sub(" ", fragment or "")).split())


def word_count(text: str) -> int:
    """Words as readers and wire services count them: runs of non-space characters."""
    return len((text or "").split())


def reading_minutes(words: int) -> int:
    """Minutes at WORDS_PER_MINUTE, rounded up; never 0 for a story with any words."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def cut_at_word(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `text` at the last word boundary at or before `limit` characters.

    Trailing punctuation that would dangle before the ellipsis is dropped, so a teaser
    never ends in ", …".
    """
    # Only the head can survive the cut, so only the head is normalised.
    text = " ".join((text or "")[: limit * 2 + 50].split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    else:
        cut = cut[:limit]
    return cut.rstrip(" ,;:–—-.…") + ellipsis


def unique_slug(text: str, *, max_length: int = 200) -> str:
    """A URL slug; non-Latin headlines keep their letters (allow_unicode) rather than vanish."""
    value = slugify(unicodedata.normalize("NFKC", text or ""), allow_unicode=True)
    return value[:max_length].strip("-") or "story"
