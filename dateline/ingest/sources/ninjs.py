"""IPTC ninjs (1.x and 2.x) → incoming stories: `dateline import ninjs PATH…`, ninjs wire
sources, and the demo site.

The parser only reads: `uri` is the story's id, its content a fingerprint of the item and of
the picture files beside it (so an item seen before is `unchanged` until either changes).
Associations become the record's pictures and linked stories, and the body's
`data-assoc-ref` references to them become symbolic references that `ingest.apply`
resolves — a story known only from another item's association becomes a placeholder that
its own item later fills in, whatever order they arrive in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import lxml.html
from django.conf import settings
from django.utils.dateparse import parse_datetime
from lxml import etree

from dateline.core.ahead import ahead
from dateline.ingest import xml
from dateline.ingest.apply import (
    BATCH,
    ITEM_ERRORS,
    Run,
    fragments_root,
    picture_apply,
    stories_apply,
    story_apply,
)
from dateline.ingest.incoming import (
    DRAFT,
    PUBLISH,
    WITHDRAW,
    IncomingPicture,
    IncomingSection,
    IncomingStory,
    bylines,
)
from dateline.ingest.pipeline import FAILED, SKIPPED, ItemResult, Report
from dateline.ingest.sources.entry import BadEntry, DocumentError
from dateline.news.models import Topic
from dateline.newsroom.actors import importer_actor

SOURCE = "ninjs"
IMPORTER = importer_actor("ninjs")
HTML_BODY_ROLES = ("main", "html", "html5", "richhtml5", "", None)
_CREDIT = re.compile(
    r"^(?P<text>.*?)(?:,\s*|\s+|(?<=[.…]))(?P<credit>reports\s+[^.,;:!?…]{2,80})\s*$", re.S
)
_TOPICS = (
    ("people", Topic.Kind.PERSON),
    ("organisations", Topic.Kind.ORGANISATION),
    ("places", Topic.Kind.PLACE),
)
_PUBSTATUS = {"canceled": WITHDRAW, "withheld": DRAFT}


class ItemError(ValueError):
    """The item cannot be imported; the message is the reason printed after `failed`."""


# Reading ---------------------------------------------------------------------------------


def import_paths(
    paths: list[str | Path],
    *,
    report: Report | None = None,
    run: Run | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    read_ahead: bool | None = None,
) -> Report:
    """`dateline import ninjs PATH…`: every item of every file, applied a batch at a time;
    the files are parsed ahead, in a second process, unless `read_ahead` is False
    (core.ahead).
    `progress(done, total, seconds)` after each item; `total` is estimated from the bytes
    of the files read so far, since a file's items are known only once it is read."""
    report = report or Report()
    run = run or Run()
    files = list(_json_files(paths, report))
    total_bytes = sum(path.stat().st_size for path in files) or 1
    read_bytes = read_items = done = 0
    started = time.monotonic()

    def add(result: ItemResult) -> None:
        nonlocal done
        report.add(result)
        done += 1
        if progress is not None:
            total = round(read_items * total_bytes / read_bytes) if read_bytes else read_items
            progress(done, max(done, total), time.monotonic() - started)

    # Stories go in BATCH at a time (ingest.apply.stories_apply); results keep the items'
    # order, each reported once it is saved.
    pending: list[IncomingStory | ItemResult] = []

    def flush() -> None:
        stories = [p for p in pending if isinstance(p, IncomingStory)]
        outcomes = iter(stories_apply(stories, actor=IMPORTER, run=run))
        for parsed in pending:
            if isinstance(parsed, ItemResult):
                add(parsed)
                continue
            outcome = next(outcomes)
            if isinstance(outcome, BaseException):
                detail = f"{outcome.__class__.__name__}: {outcome}"
                add(ItemResult(FAILED, parsed.source_id, detail))
            else:
                add(outcome.result())
        pending.clear()

    def parsed_items():
        for path in files:
            items = list(read_file(path))  # a file's items are read whole anyway (json)
            yield _FileRead(path.stat().st_size, len(items))
            yield from items

    # The next files are parsed in a second process while this one writes (core.ahead).
    for parsed in ahead(parsed_items, use=read_ahead):
        if isinstance(parsed, _FileRead):
            read_items += parsed.items
            read_bytes += parsed.size
            continue
        if isinstance(parsed, IncomingPicture):
            flush()  # in the order they come
            add(_apply(parsed, run))
            continue
        pending.append(parsed)
        if len(pending) >= BATCH:
            flush()
    flush()
    return report


@dataclass
class _FileRead:
    """A file's size and its number of items, for the progress bar's estimate of the
    total."""

    size: int
    items: int


def _apply(parsed, run: Run) -> ItemResult:
    if isinstance(parsed, ItemResult):
        return parsed
    try:
        if isinstance(parsed, IncomingPicture):
            return picture_apply(parsed, source=SOURCE, run=run)
        return story_apply(parsed, actor=IMPORTER, run=run).result()
    except ITEM_ERRORS as exc:
        return ItemResult(FAILED, parsed.source_id, f"{exc.__class__.__name__}: {exc}")


def _json_files(paths, report: Report):
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            report.add(ItemResult(FAILED, str(raw), "no such file or folder"))


def read_file(
    path: Path, *, source: str = SOURCE
) -> Iterator[IncomingStory | IncomingPicture | ItemResult]:
    """The items of one ninjs file (one item or a list of them), parsed; an item that
    cannot be read is a `failed` or `skipped` result in its place."""
    limit = settings.DATELINE_IMPORT_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        yield ItemResult(FAILED, str(path), f"file is {size} bytes, over the {limit}-byte limit")
        return
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield ItemResult(FAILED, str(path), f"invalid JSON: {exc}")
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        label = f"{path}#{index}" if isinstance(data, list) else str(path)
        if not isinstance(item, dict):
            yield ItemResult(FAILED, label, "not a ninjs object")
            continue
        if "$schema" in item and "uri" not in item:
            yield ItemResult(SKIPPED, label, "a JSON Schema, not a ninjs item")
            continue
        try:
            yield parse_item(item, source=source, folder=path.parent)
        except ItemError as exc:
            yield ItemResult(FAILED, str(item.get("uri") or label), str(exc))


def wire_entries(data: bytes, *, source: str) -> list[IncomingStory | BadEntry]:
    """A ninjs document from a wire source (one item, a list of items, or {"items": […]}),
    read by the same parser. A wire document names no files of ours: only pictures with
    http(s) renditions come in."""
    try:
        data = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"invalid JSON: {exc}") from None
    if isinstance(data, dict):  # an envelope around the items
        data = data.get("items") or data.get("item") or data
    items = data if isinstance(data, list) else [data]
    entries: list[IncomingStory | BadEntry] = []
    for index, item in enumerate(items):
        label = str(item.get("uri") or item.get("guid") or "") if isinstance(item, dict) else ""
        try:
            parsed = parse_item(item, source=source, folder=None)
        except ItemError as exc:
            entries.append(BadEntry(label or f"#{index + 1}", str(exc)))
            continue
        if isinstance(parsed, IncomingStory):
            entries.append(parsed)
        else:
            kind = "picture" if isinstance(parsed, IncomingPicture) else str(item.get("type"))
            entries.append(BadEntry(label, f"type {kind} is not imported", skipped=True))
    return entries


# Parsing ---------------------------------------------------------------------------------


def parse_item(
    item: Any, *, source: str, folder: Path | None
) -> IncomingStory | IncomingPicture | ItemResult:
    """One ninjs object. `folder` is where its files are (renditions given as relative
    paths are read from it and only from it); None for a document from the web."""
    if not isinstance(item, dict):
        raise ItemError("not a ninjs object")
    # ninjs says `uri`; Superdesk's ninjs 1.x output says `guid`.
    uri = str(item.get("uri") or item.get("guid") or "").strip()
    if not uri:
        raise ItemError("missing uri")
    kind = str(item.get("type") or "text")
    if kind == "picture":
        return _picture(dict(item, name="file"), folder=folder, fallback_id=uri, key=uri)
    if kind not in ("text", "composite"):
        return ItemResult(SKIPPED, uri, f"type {kind} is not imported")
    headline = _headline(item)
    if not headline:
        raise ItemError("missing headline")

    story = IncomingStory(
        source=source,
        source_id=uri[:500],
        headline=headline[:300],
        version=_fingerprint(item, folder),
        language=str(item.get("language") or "")[:20],
        located=str(item.get("located") or "")[:200],
        authors=bylines(item.get("by") or item.get("byline")),
        want=_PUBSTATUS.get(str(item.get("pubstatus") or "usable").lower(), PUBLISH),
    )
    story.standfirst, story.credit = _standfirst_and_credit(item)
    slugline = str(item.get("slugline") or "")
    story.slug = slugline if re.fullmatch(r"[\w-]+", slugline) else ""
    first = _datetime(item.get("firstcreated"))
    version = _datetime(item.get("versioncreated"))
    story.published_at = first or version
    story.updated_at = version
    story.embargo = _datetime(item.get("embargoed"))
    _read_subjects(item, story)
    _read_associations(item, story, folder=folder)
    return story


def _standfirst_and_credit(item: dict) -> tuple[str, str]:
    """The summary, and the credit shown after it: a `creditline` description, else the
    agency's own "…, reports Asian Lite News" split off the summary."""
    descriptions = item.get("descriptions") or []
    summary = _first(descriptions, ("summary", "text", "description"), exclude=("creditline",))
    credit = _by_role(descriptions, ("creditline",))
    if credit:
        return summary.strip(), credit.strip()[:200]
    return _split_credit(summary or str(item.get("description_text") or ""))


def _read_subjects(item: dict, story: IncomingStory) -> None:
    """The section (a subject with rel "section"), tags (the other subjects), and topics
    (people, organisations, places)."""
    for subject in item.get("subjects") or item.get("subject") or []:
        if not isinstance(subject, dict) or not subject.get("name"):
            continue
        name = str(subject["name"]).strip()
        if subject.get("rel") == "section":
            story.section = story.section or IncomingSection(
                name, source_id=str(subject.get("uri") or "")
            )
        elif name not in story.tags:
            story.tags.append(name[:100])
    for field, topic_kind in _TOPICS:
        for entry in item.get(field) or []:
            if isinstance(entry, dict) and entry.get("name"):
                story.topics.append((topic_kind, str(entry["name"])[:200]))


def _read_associations(item: dict, story: IncomingStory, *, folder: Path | None) -> None:
    """Pictures (the first one the body does not place is the lead) and linked stories, and
    the body with its references to them made symbolic."""
    body = _body_html(item)
    refs: dict[str, tuple[str, str]] = {}  # association name → ("picture", key) / ("story", uri)
    for index, assoc in enumerate(_associations(item)):
        name = str(assoc.get("name") or f"assoc-{index}")
        assoc_type = str(assoc.get("type") or "")
        if assoc_type in ("picture", "graphic") or (not assoc_type and _renditions(assoc)):
            picture = _picture(assoc, folder=folder, fallback_id=f"{story.source_id}#{name}")
            refs[name] = ("picture", picture.key)
            if re.search(rf"""data-assoc-ref\s*=\s*["']?{re.escape(name)}["'\s>]""", body):
                story.pictures.append(picture)
            elif story.lead_picture is None:
                story.lead_picture = picture
        elif assoc_type in ("text", "composite") and assoc.get("uri"):
            target = str(assoc["uri"])[:500]
            if target != story.source_id:
                refs[name] = ("story", target)
                story.links[target] = _headline(assoc)
    story.body = _symbolic_body(body, refs, story.links)


def _first(values, role_order=("main",), key="value", exclude=()) -> str:
    """The value with the first role of `role_order`, else the first with any role not in
    `exclude`."""
    if isinstance(values, dict):  # ninjs 1.x: {"main": "..."} style
        for role in role_order:
            if values.get(role):
                return str(values[role])
        return str(next(iter(values.values()), "") or "")
    found = _by_role(values, role_order, key)
    if found or not isinstance(values, list):
        return found
    for v in values:
        if isinstance(v, dict) and v.get(key) and v.get("role") not in exclude:
            return str(v[key])
    return ""


def _by_role(values, roles, key="value") -> str:
    if not isinstance(values, list):
        return ""
    for role in roles:
        for v in values:
            if isinstance(v, dict) and v.get("role") == role and v.get(key):
                return str(v[key])
    return ""


def _headline(item: dict) -> str:
    return (_first(item.get("headlines") or [], ("main",)) or item.get("headline") or "").strip()


def _datetime(value: Any) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    parsed = parse_datetime(value.strip())
    if parsed is None:
        raise ItemError(f"not a date-time: {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _fingerprint(item: dict, folder: Path | None) -> str:
    """The item's content and its local pictures' content: the same files imported again,
    from any copy of them, are `unchanged`."""
    digest = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode())
    for path in _local_renditions(item, folder):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _associations(item: dict) -> list[dict]:
    assocs = item.get("associations") or []
    if isinstance(assocs, dict):  # ninjs 1.x keys associations by name
        return [dict(v, name=v.get("name") or k) for k, v in assocs.items() if isinstance(v, dict)]
    return [a for a in assocs if isinstance(a, dict)]


def _renditions(obj: dict) -> list[dict]:
    r = obj.get("renditions") or []
    if isinstance(r, dict):
        return [dict(v, name=v.get("name") or k) for k, v in r.items() if isinstance(v, dict)]
    return [x for x in r if isinstance(x, dict)]


def _local_renditions(item: dict, folder: Path | None):
    if folder is None:
        return
    root = folder.resolve()
    for obj in [item, *_associations(item)]:
        rendition = _pick_rendition(_renditions(obj))
        href = str((rendition or {}).get("href") or "")
        if href and "://" not in href:
            path = (folder / href).resolve()
            if path.is_relative_to(root) and path.is_file():
                if path.stat().st_size <= settings.DATELINE_FETCH_MAX_BYTES:
                    yield path


def _pick_rendition(renditions: list[dict]) -> dict | None:
    usable = [r for r in renditions if r.get("href")]
    if not usable:
        return None
    for name in ("original", "baseImage", "main", "viewImage"):
        for r in usable:
            if r.get("name") == name:
                return r
    # Otherwise the widest that is not absurdly large for a web page.
    return max(usable, key=lambda r: (int(r.get("width") or 0) <= 4000, int(r.get("width") or 0)))


def _picture(
    assoc: dict, *, folder: Path | None, fallback_id: str, key: str | None = None
) -> IncomingPicture:
    name = str(assoc.get("name") or fallback_id)
    descriptions = assoc.get("descriptions") or []
    caption = _first(
        descriptions, ("caption", "summary"), exclude=("alternative", "alt", "creditline")
    )
    caption = caption or _headline(assoc)
    credit = (
        assoc.get("by")
        or _by_role(descriptions, ("creditline",))
        or assoc.get("copyrightholder")
        or ""
    )
    picture = IncomingPicture(
        key=(key or str(assoc.get("uri") or fallback_id))[:500],
        caption=caption.strip()[:500],
        credit=str(credit).strip()[:200],
        alt=_by_role(descriptions, ("alternative", "alt")).strip()[:300],
        label=name,
    )
    rendition = _pick_rendition(_renditions(assoc))
    if rendition is None:
        picture.problem = "no rendition with an href"
        return picture
    href = str(rendition["href"])
    picture.filename = href.split("?")[0].rsplit("/", 1)[-1]
    if "://" in href:
        picture.url = href
    elif folder is None:
        picture.problem = "a document from the web may not name a file on this machine"
    else:
        picture.files, picture.folder = (folder / href,), folder
    return picture


def _body_html(item: dict) -> str:
    bodies = item.get("bodies") or []
    if isinstance(bodies, dict):
        bodies = [{"role": k, "value": v, "contenttype": "text/html"} for k, v in bodies.items()]
    html_bodies = [
        b
        for b in bodies
        if isinstance(b, dict) and "html" in str(b.get("contenttype", "")) and b.get("value")
    ]
    for role in HTML_BODY_ROLES:
        for b in html_bodies:
            if b.get("role") == role:
                return str(b["value"])
    if html_bodies:
        return str(html_bodies[0]["value"])
    if item.get("body_html"):
        return str(item["body_html"])
    texts = [b for b in bodies if isinstance(b, dict) and b.get("value")]
    text = str(texts[0]["value"]) if texts else str(item.get("body_text") or "")
    return "".join(
        f"<p>{escape(p.strip(), quote=False)}</p>"
        for p in re.split(r"\n\s*\n|\n", text)
        if p.strip()
    )


def _symbolic_body(html: str, refs: dict[str, tuple[str, str]], links: dict[str, str]) -> str:
    """The body with its association references (`data-assoc-ref`, and links whose address
    is a linked story's uri) written as the record's symbolic references. A reference to an
    association the item does not have is dropped (a link keeps its text)."""
    if not html.strip() or ("data-assoc-ref" not in html and not links):
        return html
    try:
        fragments = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return re.sub(r"\sdata-assoc-ref\s*=\s*(?:\"[^\"]*\"|'[^']*'|\S+)", "", html)
    root = fragments_root(fragments)
    for element in list(root.iter("*")):
        if element.getparent() is None:
            continue
        name = element.attrib.pop("data-assoc-ref", None)
        if name is None:
            if element.tag == "a" and element.get("href") in links:
                element.set("data-incoming-story", element.get("href"))
            continue
        kind, target = refs.get(name, ("", ""))
        if kind == "picture":
            element.set("data-incoming-picture", target)
        elif kind == "story":
            element.set("data-incoming-story", target)
        elif element.tag != "a":
            xml.remove_keeping_tail(element)
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


def _split_credit(summary: str) -> tuple[str, str]:
    """'…, reports Asian Lite News': the standfirst and the credit the site shows after it."""
    match = _CREDIT.match(summary.strip())
    if not match or not match.group("text").strip():
        return summary.strip(), ""
    return match.group("text").rstrip(), match.group("credit").strip()[:200]


__all__ = ["import_paths", "parse_item", "read_file", "wire_entries"]
