"""The shape of one demo story, and the small text format its body is written in.

A body is written as blocks separated by blank lines:

    plain text          a paragraph
    ## text             a crosshead (<h2>)
    > text | who        a quotation (<blockquote>), with the speaker after the bar

Text is escaped, so a story may say "fish & chips" without writing entities.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

PERSON, ORGANISATION, PLACE = "person", "organisation", "place"


@dataclass(frozen=True)
class Story:
    slug: str
    section: str
    headline: str
    standfirst: str
    body: str
    authors: tuple[str, ...]
    tags: tuple[str, ...] = ()
    topics: tuple[tuple[str, str], ...] = ()
    credit: str = ""
    located: str = "KELBRIDGE"
    caption: str = ""
    # A second picture placed inside the body, after the second paragraph.
    inset: str = ""
    # Slugs of other demo stories linked as ALSO READ before the last paragraph.
    also_read: tuple[str, ...] = field(default=())

    @property
    def source_id(self) -> str:
        return f"demo:{self.slug}"


def person(name: str) -> tuple[str, str]:
    return (PERSON, name)


def org(name: str) -> tuple[str, str]:
    return (ORGANISATION, name)


def place(name: str) -> tuple[str, str]:
    return (PLACE, name)


def blocks(body: str) -> list[str]:
    """The body's blocks as sanitisable HTML, in order."""
    out = []
    for raw in textwrap.dedent(body).strip().split("\n\n"):
        text = " ".join(raw.split())
        if not text:
            continue
        if text.startswith("## "):
            out.append(f"<h2>{html.escape(text[3:], quote=False)}</h2>")
        elif text.startswith("> "):
            quote, _, who = text[2:].partition(" | ")
            cite = f"<p>— {html.escape(who, quote=False)}</p>" if who else ""
            out.append(f"<blockquote><p>{html.escape(quote, quote=False)}</p>{cite}</blockquote>")
        else:
            out.append(f"<p>{html.escape(text, quote=False)}</p>")
    return out
