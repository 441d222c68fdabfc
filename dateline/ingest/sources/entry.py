"""One wire item, whatever format it came in: what the wire parsers (rss, newsml, ninjs)
produce and `ingest.wire` applies. A parser that cannot read one item yields a BadEntry
with the reason, so the rest of the document still goes in."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

USABLE, CANCELED, WITHHELD = "usable", "canceled", "withheld"


@dataclass
class PictureRef:
    url: str
    caption: str = ""
    credit: str = ""


@dataclass
class WireEntry:
    guid: str
    headline: str
    body_html: str = ""
    standfirst: str = ""
    byline: str = ""
    credit: str = ""
    language: str = ""
    located: str = ""
    subjects: list[str] = field(default_factory=list)
    first_created: dt.datetime | None = None
    version_created: dt.datetime | None = None
    embargoed: dt.datetime | None = None
    pub_status: str = USABLE
    picture: PictureRef | None = None
    # The agency's version when the format has one (NewsML-G2); otherwise set from the
    # content by `finish()`, so any change to an item counts as an update.
    version: str = ""
    notes: list[str] = field(default_factory=list)

    def finish(self) -> WireEntry:
        if not self.version:
            digest = hashlib.sha256()
            for value in (
                self.headline,
                self.body_html,
                self.standfirst,
                self.byline,
                self.credit,
                self.language,
                self.located,
                "|".join(self.subjects),
                str(self.first_created),
                str(self.version_created),
                str(self.embargoed),
                self.pub_status,
                self.picture.url if self.picture else "",
            ):
                digest.update(value.encode())
                digest.update(b"\0")
            self.version = "h:" + digest.hexdigest()[:40]
        return self


@dataclass
class BadEntry:
    guid: str  # whatever identifies it: its guid if it had one, else its position
    reason: str
    # An item we do not take (a package, a lone picture) is `skipped`, not `failed`.
    skipped: bool = False


class DocumentError(ValueError):
    """The whole document (feed, file) cannot be read; nothing of it is imported."""
