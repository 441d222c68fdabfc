"""RSS and Atom → incoming stories, through feedparser.

feedparser only ever sees bytes we fetched ourselves (`ingest.fetch`, which checks every
address): given a string it would treat it as a URL and fetch it without those checks. The
head of the document is checked for entity declarations first (`ingest.xml.check_head`).

Real feeds are often slightly malformed; feedparser reads them leniently ("bozo"). A bozo
feed that still yields entries is imported, with a note saying what was wrong; one that
yields nothing is a failed document.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import feedparser

from dateline.core.text import html_to_text
from dateline.ingest import xml
from dateline.ingest.incoming import PUBLISH, IncomingPicture, IncomingStory, bylines
from dateline.ingest.sources.entry import BadEntry, DocumentError


@dataclass
class Document:
    entries: list[IncomingStory | BadEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse(data: bytes, *, source: str) -> Document:
    """The feed's items as stories of `source` (the wire source's `Article.source`)."""
    # Whitespace before the XML declaration is the commonest flaw in real feeds, and harmless.
    data = data.lstrip()
    try:
        xml.check_head(data[:65536])
    except xml.XMLRefused as exc:
        raise DocumentError(str(exc)) from None
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    document = Document()
    if parsed.bozo:
        problem = parsed.get("bozo_exception")
        if not parsed.entries:
            raise DocumentError(f"not a feed: {problem}")
        if not isinstance(problem, feedparser.CharacterEncodingOverride):
            document.notes.append(f"feed not well-formed, read leniently: {problem}")
    language = str(parsed.feed.get("language") or "")[:20]
    for index, entry in enumerate(parsed.entries):
        document.entries.append(_entry(entry, index=index, language=language, source=source))
    return document


def _when(entry, key: str) -> dt.datetime | None:
    # dict.get, not entry.get: feedparser maps a missing updated_parsed to published_parsed
    # (with a deprecation warning); we take each date for what it is.
    value = dict.get(entry, f"{key}_parsed")
    if not value:
        return None
    try:
        return dt.datetime(*value[:6], tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _picture(entry) -> IncomingPicture | None:
    credits = entry.get("media_credit") or []
    credit = str(credits[0].get("content") or "") if isinstance(credits, list) and credits else ""
    caption = html_to_text(str(entry.get("media_description") or ""))
    url = ""
    for media in entry.get("media_content") or []:
        kind = str(media.get("type") or media.get("medium") or "")
        if media.get("url") and ("image" in kind or not kind):
            url = url or str(media["url"])
    for enclosure in entry.get("enclosures") or []:
        if enclosure.get("href") and str(enclosure.get("type") or "").startswith("image/"):
            url = url or str(enclosure["href"])
    for thumb in entry.get("media_thumbnail") or []:
        url = url or str(thumb.get("url") or "")
    if not url:
        return None
    name = url.split("?")[0].rsplit("/", 1)[-1]
    return IncomingPicture(key=url[:500], url=url, filename=name, caption=caption, credit=credit)


def _entry(entry, *, index: int, language: str, source: str) -> IncomingStory | BadEntry:
    guid = str(entry.get("id") or entry.get("link") or "").strip()
    if not guid:
        return BadEntry(f"#{index + 1}", "item has neither a guid/id nor a link")
    headline = html.unescape(html_to_text(str(entry.get("title") or ""))).strip()
    if not headline:
        return BadEntry(guid, "item has no title")
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    summary = str(entry.get("summary") or "")
    if contents:
        html_contents = [c for c in contents if "html" in str(c.get("type", ""))]
        body = str((html_contents or contents)[0]["value"])
        standfirst = html_to_text(summary) if summary and summary not in body else ""
    else:
        body, standfirst = summary, ""
    if body and "<" not in body:  # plain text: paragraphs from its lines
        body = "".join(
            f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in body.splitlines() if p.strip()
        )
    published = _when(entry, "published")
    updated = _when(entry, "updated")
    return IncomingStory(
        source=source,
        source_id=guid[:500],
        headline=headline[:300],
        body=body,
        standfirst=standfirst[:1000],
        authors=bylines(str(entry.get("author") or "")),
        language=str(entry.get("language") or language)[:20],
        tags=[str(t.get("term"))[:100] for t in entry.get("tags") or [] if t.get("term")],
        published_at=published or updated,
        updated_at=updated or published,
        lead_picture=_picture(entry),
        want=PUBLISH,
    ).finish()
