"""Wire ingest: poll each source once (`wire_poll`), or each when it is due (`Poller`).

A source's location is fetched with `ingest.fetch` (public addresses only, conditional GET
with the ETag / Last-Modified it answered last time) or read from its folder; each
document is parsed whole before anything is written, so a document that cannot be read
leaves the database as it was (`failed <document> <reason>`). Its items then go in one by
one, each in its own transaction: one bad item is reported and skipped, the rest continue.

Items are keyed by (source, guid). A version seen before is `unchanged`; a newer one (a
higher NewsML-G2 version, or changed content for formats without versions) updates the same
story in place; `stat:canceled` withdraws it. New items are drafts for the desk unless the
source is trusted (`publish_directly`), and a near-duplicate of an item already received is
grouped under it (`duplicate_of`) and never published a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from dateline.core import clock
from dateline.ingest.duplicates import DuplicateIndex, normalised_words, simhash, to_signed
from dateline.ingest.fetch import FetchError, fetch, read_location
from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.pipeline import (
    CREATED,
    FAILED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ItemResult,
    Report,
)
from dateline.ingest.sources import newsml, ninjs, rss
from dateline.ingest.sources.entry import (
    CANCELED,
    USABLE,
    BadEntry,
    DocumentError,
    PictureRef,
    WireEntry,
)
from dateline.news import services as news
from dateline.news.models import Article, Status
from dateline.newsroom.actions.intake import (
    HELD,
    KEEP,
    PROPOSED,
    PUBLISH,
    WITHDRAW,
    article_receive,
)
from dateline.newsroom.actors import wire_actor
from dateline.pictures.services import PictureRejected, picture_create_or_update

FOLDER_FILES = {
    WireSource.Format.FEED: ("*.xml", "*.rss", "*.atom"),
    WireSource.Format.NINJS: ("*.json",),
    # Agencies name NewsML-G2 files as they like (Reuters: no extension at all).
    WireSource.Format.NEWSML: ("*",),
}
ACCEPT = {
    WireSource.Format.FEED: "application/rss+xml, application/atom+xml, application/xml;q=0.9",
    WireSource.Format.NINJS: "application/json",
    WireSource.Format.NEWSML: "application/vnd.iptc.g2.newsmessage+xml, application/xml;q=0.9",
}


@dataclass
class WireReport(Report):
    not_modified: bool = False  # the source answered 304: nothing new since the last poll
    notes: list[str] = field(default_factory=list)  # about whole documents

    def summary(self) -> str:
        if self.not_modified and not self.results:
            text = "not modified since the last poll"
        else:
            text = super().summary()
        return f"{text} ({'; '.join(dict.fromkeys(self.notes))})" if self.notes else text


def wire_poll(
    *, source: WireSource, report: WireReport | None = None, now: dt.datetime | None = None
) -> WireReport:
    """Poll `source` once; one result per item (or per unreadable document)."""
    report = report or WireReport()
    now = now or clock.now()
    index = DuplicateIndex(now=now)
    state = {"last_polled_at": now, "last_error": ""}
    if source.kind == WireSource.Kind.URL:
        try:
            fetched = fetch(
                source.location,
                etag=source.etag,
                last_modified=source.last_modified,
                accept=ACCEPT[source.format],
            )
        except FetchError as exc:
            report.add(ItemResult(FAILED, source.location, str(exc)))
            state["last_error"] = str(exc)
        else:
            if fetched.not_modified:
                report.not_modified = True
            elif _import_document(source, fetched.body, source.location, report, index, now):
                # Remembered only once the document went in: after a failed document the
                # next poll fetches it whole again instead of being told "not modified".
                state["etag"] = fetched.etag[:500]
                state["last_modified"] = fetched.last_modified[:100]
            else:
                state["last_error"] = report.results[-1].detail
    else:
        folder = Path(source.location)
        if not folder.is_dir():
            report.add(ItemResult(FAILED, source.location, "no such folder"))
            state["last_error"] = "no such folder"
        for path in _folder_files(folder, source.format):
            size = path.stat().st_size
            if size > settings.DATELINE_IMPORT_MAX_BYTES:
                report.add(ItemResult(FAILED, str(path), f"file is {size} bytes, over the limit"))
                continue
            _import_document(source, path.read_bytes(), str(path), report, index, now)
    WireSource.objects.filter(pk=source.pk).update(**state)
    for name, value in state.items():
        setattr(source, name, value)
    return report


def _folder_files(folder: Path, format: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found = {p for pattern in FOLDER_FILES[format] for p in folder.glob(pattern)}
    return sorted(p for p in found if p.is_file() and not p.name.startswith("."))


def _parse(format: str, data: bytes) -> tuple[list[WireEntry | BadEntry], list[str]]:
    if format == WireSource.Format.FEED:
        document = rss.parse(data)
        return document.entries, document.notes
    if format == WireSource.Format.NINJS:
        return ninjs.wire_entries(data), []
    return newsml.parse(data), []


def _import_document(
    source: WireSource, data: bytes, label: str, report: WireReport, index: DuplicateIndex, now
) -> bool:
    try:
        entries, notes = _parse(source.format, data)
    except DocumentError as exc:
        report.add(ItemResult(FAILED, label, str(exc)))
        return False
    report.notes.extend(notes)
    guids = [e.guid for e in entries if isinstance(e, WireEntry)]
    known = {
        item.guid: item
        for item in WireItem.objects.filter(source=source, guid__in=guids).select_related("article")
    }
    for entry in entries:
        if isinstance(entry, BadEntry):
            report.add(ItemResult(SKIPPED if entry.skipped else FAILED, entry.guid, entry.reason))
            continue
        try:
            result, item = wire_item_apply(
                source=source, entry=entry, known=known.get(entry.guid), index=index, now=now
            )
        except (ValueError, ValidationError, DatabaseError, FetchError) as exc:
            report.add(ItemResult(FAILED, entry.guid, f"{exc.__class__.__name__}: {exc}"))
            continue
        if item is not None:
            known[entry.guid] = item
        report.add(result)
    return True


def _is_newer(version: str, seen: str) -> bool:
    if version.isdigit() and seen.isdigit():
        return int(version) > int(seen)
    return version != seen


def public_path(article: Article | None) -> str:
    if article is None:
        return "(no story)"
    if article.status == Status.PUBLISHED:
        return article.get_absolute_url()
    return f"(not public: {article.get_status_display().lower()})"


def _load_picture(ref: PictureRef) -> tuple[bytes | None, str]:
    try:
        return fetch(ref.url, accept="image/*").body, ""
    except FetchError as exc:
        return None, f"picture skipped: {exc}"


def wire_item_apply(
    *,
    source: WireSource,
    entry: WireEntry,
    known: WireItem | None,
    index: DuplicateIndex,
    now: dt.datetime,
) -> tuple[ItemResult, WireItem | None]:
    """Create, update, withdraw or leave alone the story of one wire item."""
    if known is not None and not _is_newer(entry.version, known.version):
        return ItemResult(UNCHANGED, entry.guid, public_path(known.article)), None
    if entry.pub_status == CANCELED:
        return _withdraw(source=source, entry=entry, known=known, now=now)
    notes = list(entry.notes)
    picture_bytes = None
    if entry.picture is not None:
        # Fetched before the transaction opens: a slow picture must not hold the write lock.
        picture_bytes, note = _load_picture(entry.picture)
        if note:
            notes.append(note)
    actor = wire_actor(source.name, trusted=source.publish_directly, source=source.article_source)
    with transaction.atomic():
        article = known.article if known and known.article else None
        created = article is None
        if article is None:
            article = Article(source=source.article_source, source_id=entry.guid)
            article.section = source.default_section
            article.status = Status.DRAFT
        elif article.status == Status.WITHDRAWN:
            article.status = Status.DRAFT  # the agency sent it again after a cancel
        previous_section_id = article.section_id
        article.headline = entry.headline
        article.standfirst = entry.standfirst
        article.source_credit = (entry.credit or source.default_credit)[:200]
        article.language = entry.language
        article.located = entry.located
        article.source_version = entry.version[:64]
        article.body = entry.body_html
        if not created and entry.version_created and article.status == Status.PUBLISHED:
            article.updated_at = entry.version_created
        if picture_bytes is not None:
            try:
                picture, _ = picture_create_or_update(
                    data=picture_bytes,
                    filename=entry.picture.url.split("?")[0],
                    caption=entry.picture.caption[:500],
                    credit=(entry.picture.credit or entry.credit)[:200],
                    alt_text=(entry.picture.caption or entry.headline)[:300],
                    source=source.article_source,
                    source_id=entry.picture.url[:500],
                )
                article.lead_picture = picture
            except PictureRejected as exc:
                notes.append(f"picture skipped: {exc}")
        authors = [
            news.author_get_or_create(name=name.strip()[:200])
            for name in entry.byline.replace(" and ", ",").split(",")
            if name.strip()
        ]
        tags = [news.tag_get_or_create(name=name) for name in entry.subjects]
        words = normalised_words(entry.headline, entry.body_html)
        fingerprint = simhash(words)
        item = known or WireItem(source=source, guid=entry.guid, received_at=now)
        if known is None:
            item.duplicate_of_id = index.group_of(words, fingerprint)
        if item.duplicate_of_id:
            head = WireItem.objects.select_related("source").get(pk=item.duplicate_of_id)
            notes.append(f"near-duplicate of {head.guid} from {head.source.name}")
        want = KEEP
        if entry.pub_status == USABLE and source.publish_directly:
            want = PUBLISH
            if item.duplicate_of_id and _group_has_live_story(item.duplicate_of_id):
                if article.status != Status.PUBLISHED:
                    notes.append("kept as a draft: the story is already published")
                    want = KEEP
        at = entry.embargoed if entry.embargoed and entry.embargoed > now else None
        if want == KEEP and at is not None:
            notes.append(f"embargoed until {entry.embargoed.isoformat()}")
        if want == PUBLISH and article.status == Status.PUBLISHED:
            at = None  # live already: an update does not move its time
        received = article_receive(
            article=article,
            by=actor,
            want=want,
            published_at=at,
            authors=authors,
            tags=tags,
            previous_section_id=previous_section_id,
        )
        notes.extend(received.notes)
        item.version = entry.version[:64]
        item.article = article
        item.headline = entry.headline[:300]
        item.fingerprint = to_signed(fingerprint) if fingerprint is not None else None
        item.status = {HELD: WireItem.Status.HELD, PROPOSED: WireItem.Status.PROPOSED}.get(
            received.outcome,
            WireItem.Status.NEW if known is None else WireItem.Status.UPDATED,
        )
        item.updated_at = now
        item.save()
    index.add(item.pk, fingerprint, item.duplicate_of_id)
    outcome = CREATED if known is None else UPDATED
    return ItemResult(outcome, entry.guid, public_path(article), notes), item


def _group_has_live_story(head_id: int) -> bool:
    from django.db.models import Q

    return WireItem.objects.filter(
        Q(pk=head_id) | Q(duplicate_of_id=head_id), article__status=Status.PUBLISHED
    ).exists()


def _withdraw(*, source, entry, known, now) -> tuple[ItemResult, WireItem]:
    actor = wire_actor(source.name, trusted=source.publish_directly, source=source.article_source)
    with transaction.atomic():
        item = known or WireItem(
            source=source, guid=entry.guid, received_at=now, headline=entry.headline[:300]
        )
        if item.article is not None:
            article_receive(article=item.article, by=actor, want=WITHDRAW)
        item.version = entry.version[:64]
        item.status = WireItem.Status.WITHDRAWN
        item.updated_at = now
        item.save()
    if known is None:
        return ItemResult(SKIPPED, entry.guid, "canceled by the agency before we had it"), item
    return (
        ItemResult(UPDATED, entry.guid, public_path(item.article), ["withdrawn by the agency"]),
        item,
    )


class Poller:
    """`dateline ingest --watch`: each enabled source polled when its interval has passed,
    on a monotonic clock (a wall-clock change neither skips nor repeats polls). The loop
    calls `poll_due(time.monotonic())`; tests call it with numbers of their own."""

    def __init__(
        self,
        *,
        names: list[str] | None = None,
        on_report: Callable[[WireSource, WireReport], None] | None = None,
        make_report: Callable[[], WireReport] | None = None,
    ):
        self.names = names
        self.on_report = on_report
        self.make_report = make_report or WireReport
        self.next_due: dict[int, float] = {}

    def sources(self):
        sources = WireSource.objects.filter(enabled=True).select_related("default_section")
        if self.names:
            sources = sources.filter(name__in=self.names)
        return list(sources)

    def poll_due(self, now: float) -> list[tuple[WireSource, WireReport]]:
        polled = []
        for source in self.sources():
            if self.next_due.get(source.pk, now) > now:
                continue
            self.next_due[source.pk] = now + source.interval
            report = wire_poll(source=source, report=self.make_report())
            polled.append((source, report))
            if self.on_report is not None:
                self.on_report(source, report)
        return polled

    def seconds_to_next(self, now: float) -> float:
        return max(0.0, min(self.next_due.values(), default=now) - now)


def wire_import(
    locations: list[str], *, format: str = WireSource.Format.FEED, report: Report | None = None
) -> Report:
    """`dateline import feed URL|FILE…`: one read of a feed that is not set up as a source.

    Each location gets a disabled source of its own (so `dateline ingest` never polls it),
    which keys its items exactly as a configured source would: importing the same feed again
    updates in place and never duplicates. Items land as drafts for the desk."""
    import hashlib

    report = report if report is not None else Report()
    # Document notes and per-document state live in a WireReport; results go on to `report`.
    wire_report = WireReport(on_result=report.add, keep_results=False)
    now = clock.now()
    index = DuplicateIndex(now=now)
    for location in locations:
        remote = location.startswith(("http://", "https://"))
        digest = hashlib.sha256(location.encode()).hexdigest()[:12]
        source, _ = WireSource.objects.get_or_create(
            name=f"import {digest}: {location}"[:100],
            defaults={
                "kind": WireSource.Kind.URL if remote else WireSource.Kind.FOLDER,
                "location": location[:500],
                "format": format,
                "enabled": False,
            },
        )
        try:
            data, _ = read_location(location, accept=ACCEPT[format])
        except FetchError as exc:
            wire_report.add(ItemResult(FAILED, location, str(exc)))
            continue
        _import_document(source, data, location, wire_report, index, now)
    return report
