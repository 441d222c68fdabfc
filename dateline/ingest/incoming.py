"""The one shape every source's copy takes on its way in: an `IncomingStory`.

Each source — ninjs files and wire entries, RSS/Atom, NewsML-G2, a WordPress export, a web
page, the demo site — only *parses* into these records: it writes nothing, and fetches
nothing but the document itself (a picture is only named, with a way to get its bytes).
`ingest.apply.story_apply` then turns a record into a story, with the same rules for all of
them (identity, versions, placeholders, pictures, takedowns).

A record's body is HTML in which pictures and links to other stories of the same source are
*symbolic*: they name the picture by its key in the record and the story by its source id,
and `story_apply` swaps them for our stored references once the rows exist:

    <figure data-incoming-picture="KEY"></figure>          a picture of `pictures`
    <p class="also-read" data-incoming-story="ID"></p>     ALSO READ: a story of `links`
    <a data-incoming-story="ID" href="…">text</a>          an inline link to it

A reference to anything the record does not list is dropped, so a source's own markup can
never point into our library or at our stories.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from dateline.ingest.fetch import FetchError, fetch
from dateline.newsroom.actions.intake import DRAFT, KEEP, PUBLISH, WITHDRAW

__all__ = [
    "DRAFT",
    "KEEP",
    "PUBLISH",
    "WITHDRAW",
    "IncomingPicture",
    "IncomingSection",
    "IncomingStory",
    "bylines",
    "is_newer",
    "link_ref",
    "picture_ref",
    "also_read_ref",
]

_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")


@dataclass
class IncomingSection:
    name: str
    # The source's id for it (a subject URI, a WordPress category): found again by it even
    # after a rename in admin.
    source_id: str = ""
    parent: IncomingSection | None = None


def fetch_picture(url: str) -> bytes:
    """Every picture from the web comes through `ingest.fetch` (public addresses only)."""
    return fetch(url, accept="image/*").body


@dataclass
class IncomingPicture:
    """A picture and a way to get its bytes, read only when the story is applied: the
    bytes at hand, else the first of `files` that lies inside `folder`, else `url`."""

    # The picture's id at its source; with the story's source, its identity in the library.
    key: str
    filename: str = ""
    caption: str = ""
    credit: str = ""
    alt: str = ""
    data: bytes | None = None
    files: tuple[Path, ...] = ()
    folder: Path | None = None
    url: str = ""
    # How a result line names it ("picture <label> skipped: …"); empty: "picture skipped".
    label: str = ""
    # Known at parse time: the picture cannot be had (the note says why).
    problem: str = ""

    def read(self) -> bytes:
        if self.problem:
            raise FetchError(self.problem)
        if self.data is not None:
            return self.data
        problem = ""
        for path in self.files:
            found = self._local(path)
            if isinstance(found, bytes):
                return found
            problem = problem or found
        if self.url.startswith(("http://", "https://")):
            return fetch_picture(self.url)
        raise FetchError(
            problem or f"{self.url[:80] or 'it'} is neither a file here nor a web address"
        )

    def _local(self, path: Path) -> bytes | str:
        """The file's bytes, or why it cannot be read. Only inside `folder`, whatever `..` or
        a symbolic link in the path says: an item may not name a file elsewhere."""
        if self.folder is None:
            return "a document from the web may not name a file on this machine"
        resolved = path.resolve()
        if not resolved.is_relative_to(self.folder.resolve()):
            return f"{path.name} leaves the item's folder"
        if not resolved.is_file():
            return f"file {path.name} not found"
        if resolved.stat().st_size > settings.DATELINE_FETCH_MAX_BYTES:
            return f"file {path.name} is over the size limit"
        return resolved.read_bytes()


@dataclass
class IncomingStory:
    # Identity: `Article.source` and `Article.source_id`.
    source: str
    source_id: str
    headline: str
    # The source's version (NewsML-G2: a number, higher is newer) or a fingerprint of the
    # item; a story stored with the same version is left alone.
    version: str = ""
    standfirst: str = ""
    credit: str = ""  # "reports Asian Lite News", shown after the standfirst
    body: str = ""  # HTML with symbolic references (module docstring)
    language: str = ""
    located: str = ""
    slug: str = ""  # the source's wish for the address; a free one is made from it
    section: IncomingSection | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    topics: list[tuple[str, str]] = field(default_factory=list)  # (Topic.Kind, name)
    lead_picture: IncomingPicture | None = None
    pictures: list[IncomingPicture] = field(default_factory=list)  # those the body places
    # Stories of the same source this one links to: source id → headline, for the
    # placeholder that stands in until the linked story's own item arrives.
    links: dict[str, str] = field(default_factory=dict)
    # What the source asks: PUBLISH (at `published_at`, or `embargo` if later), DRAFT,
    # WITHDRAW, or KEEP (file the text, leave its publication as it is).
    want: str = KEEP
    published_at: dt.datetime | None = None  # first published at the source
    updated_at: dt.datetime | None = None
    embargo: dt.datetime | None = None
    old_paths: list[str] = field(default_factory=list)  # old addresses: 301 to the story
    # What the source calls the story's state (WordPress: publish, draft, private…).
    source_state: str = ""
    notes: list[str] = field(default_factory=list)

    def finish(self) -> IncomingStory:
        """For a source without versions: a fingerprint of the content as the version, so
        that any change is an update and the same content is `unchanged`."""
        if not self.version:
            self.version = "h:" + self.fingerprint()[:40]
        return self

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        pictures = [p for p in (self.lead_picture, *self.pictures) if p is not None]
        for value in (
            self.headline,
            self.body,
            self.standfirst,
            "|".join(self.authors),
            self.credit,
            self.language,
            self.located,
            "|".join(self.tags),
            "|".join(f"{k}:{n}" for k, n in self.topics),
            self.section.name if self.section else "",
            str(self.published_at),
            str(self.updated_at),
            str(self.embargo),
            self.want,
            "|".join(f"{p.key} {p.url} {p.caption} {p.credit}" for p in pictures),
        ):
            digest.update(value.encode())
            digest.update(b"\0")
        return digest.hexdigest()


def is_newer(version: str, seen: str) -> bool:
    """Numbered versions (NewsML-G2) must go up; any other version must differ."""
    if version.isdigit() and seen.isdigit():
        return int(version) > int(seen)
    return version != seen


def bylines(text: str) -> list[str]:
    """'By Mara Lind and Ola Berg' → ['Mara Lind', 'Ola Berg']."""
    if not text or not isinstance(text, str):
        return []
    text = re.sub(r"^\s*by\s+", "", text.strip(), flags=re.I)
    return [name.strip()[:200] for name in _BYLINE_SPLIT.split(text) if name.strip()]


def picture_ref(key: str) -> str:
    return f'<figure data-incoming-picture="{html.escape(key)}"></figure>'


def also_read_ref(source_id: str) -> str:
    return f'<p class="also-read" data-incoming-story="{html.escape(source_id)}"></p>'


def link_ref(source_id: str) -> str:
    """The attribute that makes an `<a>` a link to another story of the same source."""
    return f'data-incoming-story="{html.escape(source_id)}"'
