"""What the wire parsers (rss, newsml, ninjs) yield besides incoming stories: a BadEntry for
one item that cannot be read, so the rest of the document still goes in, and DocumentError
for a document that cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BadEntry:
    guid: str  # whatever identifies it: its guid if it had one, else its position
    reason: str
    # An item we do not take (a package, a lone picture) is `skipped`, not `failed`.
    skipped: bool = False


class DocumentError(ValueError):
    """The whole document (feed, file) cannot be read; nothing of it is imported."""
