"""IPTC ninjs (1.x and 2.x) → stories and pictures.

Idempotent on `uri`: an item seen before is updated in place, or reported `unchanged`
when its content is the same. Related stories are linked by reference whatever order the
items arrive in: a story known only from another item's association becomes a placeholder
row (never shown to readers) that its own item later fills in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime
from lxml import etree

from dateline.core import clock
from dateline.ingest import xml
from dateline.ingest.pipeline import (
    CREATED,
    FAILED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    FetchError,
    ItemResult,
    Report,
    fetch_url,
)
from dateline.news import body as body_format
from dateline.news import services as news
from dateline.news.models import Article, Status, Topic
from dateline.newsroom.actions.intake import DRAFT, PUBLISH, WITHDRAW, article_receive
from dateline.newsroom.actors import importer_actor
from dateline.pictures.services import PictureRejected, picture_create_or_update

SOURCE = "ninjs"
IMPORTER = importer_actor("ninjs")
_WANT = {Status.PUBLISHED: PUBLISH, Status.DRAFT: DRAFT, Status.WITHDRAWN: WITHDRAW}
HTML_BODY_ROLES = ("main", "html", "html5", "richhtml5", "", None)
_CREDIT = re.compile(
    r"^(?P<text>.*?)(?:,\s*|\s+|(?<=[.…]))(?P<credit>reports\s+[^.,;:!?…]{2,80})\s*$", re.S
)
_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")


class ItemError(ValueError):
    """The item cannot be imported; the message is the reason printed after `failed`."""


def import_paths(paths: list[str | Path], *, report: Report | None = None) -> Report:
    report = report or Report()
    for path in _json_files(paths, report):
        _import_file(path, report)
    return report


def _json_files(paths, report: Report):
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            report.add(ItemResult(FAILED, str(raw), "no such file or folder"))


def _import_file(path: Path, report: Report) -> None:
    limit = settings.DATELINE_IMPORT_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        report.add(
            ItemResult(FAILED, str(path), f"file is {size} bytes, over the {limit}-byte limit")
        )
        return
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.add(ItemResult(FAILED, str(path), f"invalid JSON: {exc}"))
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        label = f"{path}#{index}" if isinstance(data, list) else str(path)
        if not isinstance(item, dict):
            report.add(ItemResult(FAILED, label, "not a ninjs object"))
            continue
        if "$schema" in item and "uri" not in item:
            report.add(ItemResult(SKIPPED, label, "a JSON Schema, not a ninjs item"))
            continue
        try:
            report.add(import_item(item, base_dir=path.parent))
        except ItemError as exc:
            report.add(ItemResult(FAILED, str(item.get("uri") or label), str(exc)))


def _first(values, role_order=("main",), key="value") -> str:
    if isinstance(values, dict):  # ninjs 1.x: {"main": "..."} style
        for role in role_order:
            if values.get(role):
                return str(values[role])
        return str(next(iter(values.values()), "") or "")
    if not isinstance(values, list):
        return ""
    for role in role_order:
        for v in values:
            if isinstance(v, dict) and v.get("role") == role and v.get(key):
                return str(v[key])
    for v in values:
        if isinstance(v, dict) and v.get(key):
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


def _fingerprint(item: dict, base_dir: Path) -> str:
    digest = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode())
    for path in _local_renditions(item, base_dir):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
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


def _local_renditions(item: dict, base_dir: Path):
    for obj in [item, *_associations(item)]:
        for r in _renditions(obj):
            href = str(r.get("href") or "")
            if href and "://" not in href:
                path = (base_dir / href).resolve()
                if path.is_file() and path.is_relative_to(base_dir.resolve()):
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


def _load_rendition(rendition: dict, base_dir: Path) -> bytes:
    href = str(rendition["href"])
    if "://" in href:
        return fetch_url(href)
    path = (base_dir / href).resolve()
    if not path.is_relative_to(base_dir.resolve()):
        raise FetchError("rendition path leaves the item's folder")
    if not path.is_file():
        raise FetchError(f"file {href} not found")
    if path.stat().st_size > settings.DATELINE_FETCH_MAX_BYTES:
        raise FetchError("file over the size limit")
    return path.read_bytes()


def _import_picture(assoc: dict, *, base_dir: Path, fallback_id: str):
    """Bring one picture into the library. Returns (picture or None, changed, note)."""
    name = assoc.get("name") or fallback_id
    rendition = _pick_rendition(_renditions(assoc))
    if rendition is None:
        return None, False, f"picture {name} skipped: no rendition with an href"
    try:
        data = _load_rendition(rendition, base_dir)
        descriptions = assoc.get("descriptions") or []
        caption = _first(descriptions, ("caption", "summary")) or _headline(assoc)
        credit = (
            assoc.get("by")
            or _first(descriptions, ("creditline",), key="value")
            or assoc.get("copyrightholder")
            or ""
        )
        alt = _first(descriptions, ("alternative", "alt"))
        picture, changed = picture_create_or_update(
            data=data,
            filename=str(rendition["href"]).split("?")[0],
            caption=caption.strip()[:500],
            credit=str(credit).strip()[:200],
            alt_text=(alt or caption).strip()[:300],
            source=SOURCE,
            source_id=str(assoc.get("uri") or fallback_id),
        )
        return picture, changed, ""
    except (FetchError, PictureRejected) as exc:
        return None, False, f"picture {name} skipped: {exc}"


def _placeholder(uri: str, headline: str) -> Article:
    existing = Article.objects.filter(source=SOURCE, source_id=uri).first()
    if existing is not None:
        return existing
    article = Article(
        headline=headline or uri, status=Status.PLACEHOLDER, source=SOURCE, source_id=uri
    )
    return news.article_save(article=article)


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
        f"<p>{_escape(p.strip())}</p>" for p in re.split(r"\n\s*\n|\n", text) if p.strip()
    )


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


def _resolve_body(
    html: str, refs: dict[str, tuple[str, int | None]], uri_to_article: dict[str, int]
) -> str:
    """Swap association references for our stored placeholders."""
    if not html.strip():
        return ""
    try:
        fragments = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return re.sub(r"\sdata-(?:picture|article)\s*=\s*(?:\"[^\"]*\"|'[^']*'|\S+)", "", html)
    root = lxml.html.Element("div")
    for frag in fragments:
        if isinstance(frag, str):
            if root.getchildren():
                last = root.getchildren()[-1]
                last.tail = (last.tail or "") + frag
            else:
                root.text = (root.text or "") + frag
        else:
            root.append(frag)
    # Reference attributes are ours: a feed may not point into our library or at our
    # stories except through its own associations, resolved below.
    for el in root.iter("*"):
        for attr in ("data-picture", "data-article"):
            el.attrib.pop(attr, None)
        if "also-read" in (el.get("class") or "") and el.get("data-assoc-ref") is None:
            el.attrib.pop("class", None)
    for el in list(root.iter("*")):
        name = el.get("data-assoc-ref")
        if name is None:
            continue
        kind, target = refs.get(name, ("", None))
        parent = el.getparent()
        if parent is None:
            continue
        if target is None:
            xml.remove_keeping_tail(el)
        elif kind == "picture":
            new = lxml.html.fragment_fromstring(body_format.picture_placeholder(target))
            new.tail = el.tail
            parent.replace(el, new)
        elif el.tag == "a":
            el.attrib.pop("data-assoc-ref", None)
            el.attrib.pop("href", None)
            el.set("data-article", str(target))
        else:
            new = lxml.html.fragment_fromstring(body_format.also_read_placeholder(target))
            new.tail = el.tail
            parent.replace(el, new)
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href in uri_to_article:
            a.attrib.pop("href", None)
            a.set("data-article", str(uri_to_article[href]))
    inner = (root.text or "") + "".join(
        etree.tostring(c, encoding="unicode", method="html") for c in root
    )
    return inner


def _split_credit(summary: str) -> tuple[str, str]:
    match = _CREDIT.match(summary.strip())
    if not match or not match.group("text").strip():
        return summary.strip(), ""
    text = match.group("text").rstrip()
    return text, match.group("credit").strip()


def _status(item: dict) -> str:
    pubstatus = str(item.get("pubstatus") or "usable").lower()
    if pubstatus == "canceled":
        return Status.WITHDRAWN
    if pubstatus == "withheld":
        return Status.DRAFT
    return Status.PUBLISHED


def import_item(item: dict, *, base_dir: Path) -> ItemResult:
    uri = str(item.get("uri") or "").strip()
    if not uri:
        raise ItemError("missing uri")
    kind = str(item.get("type") or "text")
    if kind == "picture":
        return _import_picture_item(item, uri=uri, base_dir=base_dir)
    if kind not in ("text", "composite"):
        return ItemResult(SKIPPED, uri, f"type {kind} is not imported")
    headline = _headline(item)
    if not headline:
        raise ItemError("missing headline")
    fingerprint = _fingerprint(item, base_dir)
    existing = Article.objects.filter(source=SOURCE, source_id=uri).first()
    if (
        existing
        and existing.status != Status.PLACEHOLDER
        and existing.source_version == fingerprint
    ):
        return ItemResult(UNCHANGED, uri, _public_path(existing))
    with transaction.atomic():
        return _save_item(
            item,
            uri=uri,
            headline=headline,
            existing=existing,
            fingerprint=fingerprint,
            base_dir=base_dir,
        )


def _save_item(item, *, uri, headline, existing, fingerprint, base_dir) -> ItemResult:
    notes: list[str] = []
    refs: dict[str, tuple[str, int | None]] = {}
    uri_to_article: dict[str, int] = {}
    lead_picture = None
    body_source = _body_html(item)
    for index, assoc in enumerate(_associations(item)):
        name = str(assoc.get("name") or f"assoc-{index}")
        assoc_type = str(assoc.get("type") or "")
        if assoc_type in ("picture", "graphic") or (not assoc_type and _renditions(assoc)):
            picture, _, note = _import_picture(
                assoc, base_dir=base_dir, fallback_id=f"{uri}#{name}"
            )
            if note:
                notes.append(note)
            refs[name] = ("picture", picture.pk if picture else None)
            if picture and f'data-assoc-ref="{name}"' not in body_source and lead_picture is None:
                lead_picture = picture
        elif assoc_type in ("text", "composite") and assoc.get("uri"):
            target_uri = str(assoc["uri"])
            if target_uri == uri:
                continue
            target = _placeholder(target_uri, _headline(assoc))
            refs[name] = ("text", target.pk)
            uri_to_article[target_uri] = target.pk

    summary = _first(item.get("descriptions") or [], ("summary", "text", "description"))
    standfirst, credit = _split_credit(summary)
    article = existing or Article(source=SOURCE, source_id=uri)
    previous_section_id = article.section_id
    article.headline = headline[:300]
    article.standfirst = standfirst
    article.source_credit = credit[:200]
    article.language = str(item.get("language") or "")[:20]
    article.located = str(item.get("located") or "")[:200]
    first = _datetime(item.get("firstcreated"))
    version = _datetime(item.get("versioncreated"))
    embargo = _datetime(item.get("embargoed"))
    published = first or version or clock.now()
    if embargo and embargo > published:
        published = embargo
    article.updated_at = version if version and version > published else None
    if not article.slug or article.status == Status.PLACEHOLDER:
        article.slug = ""
        slug_base = (
            str(item.get("slugline") or "")
            if re.fullmatch(r"[\w-]+", str(item.get("slugline") or ""))
            else headline
        )
        article.slug = news.article_free_slug(slug_base, exclude_pk=article.pk)
    article.lead_picture = (
        lead_picture if lead_picture else (article.lead_picture if existing else None)
    )
    article.source_version = fingerprint
    article.body = ""  # resolved below, once this story has an id for self-references
    section = None
    topics = []
    tags = []
    for subject in item.get("subjects") or []:
        if not isinstance(subject, dict) or not subject.get("name"):
            continue
        if subject.get("rel") == "section":
            section = section or news.section_get_or_create(
                name=str(subject["name"]), source_id=str(subject.get("uri") or "")
            )
        else:
            tags.append(news.tag_get_or_create(name=str(subject["name"])[:100]))
    article.section = section
    for field, kind in (
        ("people", Topic.Kind.PERSON),
        ("organisations", Topic.Kind.ORGANISATION),
        ("places", Topic.Kind.PLACE),
    ):
        for entry in item.get(field) or []:
            if isinstance(entry, dict) and entry.get("name"):
                topics.append(news.topic_get_or_create(kind=kind, name=str(entry["name"])[:200]))
    authors = [news.author_get_or_create(name=n) for n in _bylines(item.get("by"))]
    article.body = _resolve_body(body_source, refs, uri_to_article)
    received = article_receive(
        article=article,
        by=IMPORTER,
        want=_WANT[_status(item)],
        published_at=published,
        authors=authors,
        tags=tags,
        topics=topics,
        previous_section_id=previous_section_id,
    )
    notes.extend(received.notes)
    outcome = UPDATED if existing else CREATED
    return ItemResult(outcome, uri, _public_path(article), notes)


def _bylines(by: Any) -> list[str]:
    if not by or not isinstance(by, str):
        return []
    by = re.sub(r"^\s*by\s+", "", by.strip(), flags=re.I)
    return [n.strip()[:200] for n in _BYLINE_SPLIT.split(by) if n.strip()]


def _public_path(article: Article) -> str:
    if article.status == Status.PUBLISHED:
        return article.get_absolute_url()
    return f"(not public: {article.get_status_display().lower()})"


def _import_picture_item(item: dict, *, uri: str, base_dir: Path) -> ItemResult:
    from dateline.pictures.models import Picture

    existed = Picture.objects.filter(source=SOURCE, source_id=uri).exists()
    picture, changed, note = _import_picture(
        dict(item, name="file"), base_dir=base_dir, fallback_id=uri
    )
    if picture is None:
        return ItemResult(SKIPPED, uri, note)
    if not existed:
        return ItemResult(CREATED, uri, picture.url)
    return ItemResult(UPDATED if changed else UNCHANGED, uri, picture.url)


def wire_entries(data: bytes) -> list:
    """A ninjs document from a wire source (one item, a list of items, or {"items": […]})
    as wire entries, read with the same helpers as `import_item`. Related-story links and
    local renditions are import-folder features; a wire item keeps its body and its first
    picture with an http(s) rendition."""
    from dateline.ingest.sources.entry import BadEntry, DocumentError

    try:
        data = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"invalid JSON: {exc}") from None
    if isinstance(data, dict):  # an envelope around the items
        data = data.get("items") or data.get("item") or data
    items = data if isinstance(data, list) else [data]
    entries = []
    for index, item in enumerate(items):
        label = str(item.get("uri") or item.get("guid") or "") if isinstance(item, dict) else ""
        try:
            entries.append(wire_entry(item))
        except ItemError as exc:
            entries.append(BadEntry(label or f"#{index + 1}", str(exc)))
    return entries


def wire_entry(item: Any):
    from dateline.ingest.sources.entry import CANCELED, WITHHELD, BadEntry, PictureRef, WireEntry

    if not isinstance(item, dict):
        raise ItemError("not a ninjs object")
    # ninjs says `uri`; Superdesk's ninjs 1.x output says `guid`.
    uri = str(item.get("uri") or item.get("guid") or "").strip()
    if not uri:
        raise ItemError("missing uri")
    kind = str(item.get("type") or "text")
    if kind not in ("text", "composite"):
        return BadEntry(uri, f"type {kind} is not imported", skipped=True)
    headline = _headline(item)
    if not headline:
        raise ItemError("missing headline")
    summary = _first(item.get("descriptions") or [], ("summary", "text", "description"))
    standfirst, credit = _split_credit(summary or str(item.get("description_text") or ""))
    picture = None
    for assoc in _associations(item):
        rendition = _pick_rendition(_renditions(assoc))
        href = str((rendition or {}).get("href") or "")
        if str(assoc.get("type") or "picture") in ("picture", "graphic") and "://" in href:
            caption = _first(assoc.get("descriptions") or [], ("caption", "summary"))
            picture = PictureRef(href, caption or _headline(assoc), str(assoc.get("by") or ""))
            break
    body = _resolve_body(_body_html(item), {}, {})
    pubstatus = str(item.get("pubstatus") or "usable").lower()
    return WireEntry(
        guid=uri[:500],
        headline=headline[:300],
        body_html=body,
        standfirst=standfirst,
        byline=", ".join(_bylines(item.get("by") or item.get("byline"))),
        credit=credit[:200],
        language=str(item.get("language") or "")[:20],
        located=str(item.get("located") or "")[:200],
        subjects=[
            str(s["name"])[:100]
            for s in item.get("subjects") or item.get("subject") or []
            if isinstance(s, dict) and s.get("name")
        ][:12],
        first_created=_datetime(item.get("firstcreated")),
        version_created=_datetime(item.get("versioncreated")),
        embargoed=_datetime(item.get("embargoed")),
        pub_status={"canceled": CANCELED, "withheld": WITHHELD}.get(pubstatus, "usable"),
        picture=picture,
    ).finish()


__all__ = ["import_item", "import_paths", "wire_entries", "wire_entry"]
