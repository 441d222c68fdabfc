"""IPTC NewsML-G2 → incoming stories.

A document is a `newsMessage` holding items in its `itemSet`, or a single `newsItem`. For
each text `newsItem`: `@guid` and `@version` (same guid with a higher version is an update),
`itemMeta` (`pubStatus`: `stat:usable`, `stat:canceled` = withdraw, `stat:withheld`;
`firstCreated`, `versionCreated`, `embargoed`), `contentMeta` (headline, summary, by,
creditline, located, subjects, language) and the body from `contentSet`: `inlineXML` with
XHTML (`html/body`) or NITF (`nitf/body/body.content`), or `inlineData`. A picture in
`remoteContent` with an http(s) href becomes the lead picture.

Package items (`packageItem`, which only reference other items) and picture items on their
own are skipped with a reason. Parsing goes through `ingest.xml` (no entities, no DTDs, no
network).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from copy import deepcopy

from django.utils.dateparse import parse_datetime
from lxml import etree

from dateline.ingest import xml
from dateline.ingest.incoming import (
    DRAFT,
    PUBLISH,
    WITHDRAW,
    IncomingPicture,
    IncomingStory,
    bylines,
)
from dateline.ingest.sources.entry import BadEntry, DocumentError

NAR = "http://iptc.org/std/nar/2006-10-01/"
N = f"{{{NAR}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUMMARY_ROLES = ("drol:summary", "descRole:summary", "summary")
TEXT_CLASSES = ("ninat:text", "icls:text", "ninat:composite", "icls:composite")
# NITF elements and what they become in our HTML; anything else is left for the
# sanitiser (which keeps the text of tags it does not allow).
NITF_TAGS = {"hl1": "h2", "hl2": "h3", "block": "div", "bq": "blockquote", "em": "em"}
DROPPED = {"head", "header", "h1", "media", "script", "style", "title", "meta"}


def parse(data: bytes, *, source: str) -> list[IncomingStory | BadEntry]:
    """The document's text items as stories of `source` (the wire source's
    `Article.source`)."""
    try:
        root = xml.parse_bytes(data)
    except xml.XMLRefused as exc:
        raise DocumentError(str(exc)) from None
    if root.tag not in (f"{N}newsMessage", f"{N}newsItem", f"{N}packageItem"):
        raise DocumentError(f"not NewsML-G2: the root element is {etree.QName(root).localname}")
    items = [root] if root.tag != f"{N}newsMessage" else root.iterfind(f"{N}itemSet/*")
    entries: list[IncomingStory | BadEntry] = []
    for index, item in enumerate(items):
        guid = (item.get("guid") or "").strip()
        label = guid or f"#{index + 1}"
        name = etree.QName(item).localname if isinstance(item.tag, str) else ""
        if name == "packageItem":
            entries.append(BadEntry(label, "a package (references other items)", skipped=True))
            continue
        if name != "newsItem":
            continue
        try:
            entries.append(_entry(item, source=source))
        except ValueError as exc:
            entries.append(BadEntry(label, str(exc)))
    return entries


def _text(element) -> str:
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _attr(parent, child: str, name: str) -> str:
    # Not `find(...) or default`: an lxml element without children is falsy.
    element = parent.find(f"{N}{child}")
    return "" if element is None else element.get(name, "")


def _when(value: str | None, what: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    # NewsML-G2 allows "+0100" as well as "+01:00"; Django's parser wants the colon.
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value)
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"{what} is not a date-time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _entry(item, *, source: str) -> IncomingStory | BadEntry:
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise ValueError("newsItem has no guid")
    meta = item.find(f"{N}itemMeta")
    content = item.find(f"{N}contentMeta")
    if meta is None or content is None:
        raise ValueError("newsItem lacks itemMeta or contentMeta")
    item_class = _attr(meta, "itemClass", "qcode")
    if item_class and item_class not in TEXT_CLASSES:
        return BadEntry(guid, f"item class {item_class} is not imported", skipped=True)
    status_code = _attr(meta, "pubStatus", "qcode")
    want = {"stat:canceled": WITHDRAW, "stat:withheld": DRAFT}.get(status_code, PUBLISH)
    headlines = content.findall(f"{N}headline")
    main = [h for h in headlines if not h.get("role") or h.get("role").endswith(":main")]
    headline = _text((main or headlines or [None])[0])
    if not headline:
        raise ValueError("newsItem has no headline")
    subheads = [h for h in headlines if (h.get("role") or "").endswith("subHeadline")]
    summaries = [d for d in content.findall(f"{N}description") if d.get("role") in SUMMARY_ROLES]
    standfirst = _text(summaries[0]) if summaries else _text(subheads[0] if subheads else None)
    byline = _text(content.find(f"{N}by")) or _text(content.find(f"{N}creator/{N}name"))
    located = content.find(f"{N}located")
    language = content.find(f"{N}language")
    subjects = []
    for subject in content.findall(f"{N}subject"):
        name = _text(subject.find(f"{N}name"))
        if name and name not in subjects and len(name) > 2:
            subjects.append(name[:100])
    version = (item.get("version") or "").strip()
    body, picture = _body(item.find(f"{N}contentSet"))
    credit = _text(content.find(f"{N}creditline"))[:200]
    if picture is not None:
        picture.credit = credit  # the item's own credit: an agency's pictures are its own
    first = _when(_text(meta.find(f"{N}firstCreated")), "firstCreated")
    updated = _when(_text(meta.find(f"{N}versionCreated")), "versionCreated")
    story = IncomingStory(
        source=source,
        source_id=guid[:500],
        headline=headline[:300],
        body=body,
        standfirst=standfirst[:1000],
        authors=bylines(byline),
        credit=credit,
        language=(
            (language.get("tag") if language is not None else "") or item.get(XML_LANG) or ""
        )[:20],
        located=(
            (_text(located.find(f"{N}name")) or located.get("literal", ""))
            if located is not None
            else ""
        )[:200],
        tags=subjects[:12],
        published_at=first or updated,
        updated_at=updated,
        embargo=_when(_text(meta.find(f"{N}embargoed")), "embargoed"),
        want=want,
        lead_picture=picture,
        version=version if version.isdigit() else "",
    )
    return story.finish()


def _body(content_set) -> tuple[str, IncomingPicture | None]:
    if content_set is None:
        return "", None
    body, picture = "", None
    for part in content_set:
        if not isinstance(part.tag, str):
            continue
        name = etree.QName(part).localname
        contenttype = part.get("contenttype", "")
        if name == "remoteContent" and contenttype.startswith("image/") and picture is None:
            href = part.get("href", "")
            if href.startswith(("http://", "https://")):
                name = href.split("?")[0].rsplit("/", 1)[-1]
                picture = IncomingPicture(key=href[:500], url=href, filename=name)
        elif name == "inlineXML" and not body:
            body = _inline_xml(part)
        elif name == "inlineData" and not body:
            text = (part.text or "").strip()
            if text.startswith("<"):
                body = text
            else:
                body = "".join(
                    f"<p>{html.escape(p.strip(), quote=False)}</p>"
                    for p in re.split(r"\n\s*\n", text)
                    if p.strip()
                )
    return body, picture


def _inline_xml(part) -> str:
    for child in part:
        if not isinstance(child.tag, str):
            continue
        root = _plain(child)
        kind = root.tag
        if kind == "html":
            container = root.find("body")
        elif kind == "nitf":
            container = root.find("body/body.content")
        else:
            container = root
        if container is None:
            return ""
        for element in list(container.iter()):
            if element is container or not isinstance(element.tag, str):
                continue
            if element.tag in DROPPED:
                parent = element.getparent()
                if parent is not None:
                    xml.remove_keeping_tail(element)
                continue
            if kind == "nitf" and element.tag in NITF_TAGS:
                element.tag = NITF_TAGS[element.tag]
        inner = (html.escape(container.text or "", quote=False)) + "".join(
            etree.tostring(c, encoding="unicode", method="html") for c in container
        )
        return inner.strip()
    return ""


def _plain(element):
    """A copy of `element` with namespaces removed from tags and attributes."""
    copy = deepcopy(element)
    for el in list(copy.iter()):
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
            for key in list(el.attrib):
                if key.startswith("{"):
                    del el.attrib[key]
        elif el.getparent() is not None:  # comments, processing instructions
            xml.remove_keeping_tail(el)
    etree.cleanup_namespaces(copy)
    return copy
