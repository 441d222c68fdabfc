"""Wire ingest: poll each source once (`wire_poll`), or each when it is due (`Poller`).

A source's location is fetched with `ingest.fetch` (public addresses only, conditional GET
with the ETag / Last-Modified it answered last time) or read from its folder; each
document is parsed whole before anything is written, so a document that cannot be read
leaves the database as it was (`failed <document> <reason>`). Its items then go in one by
one, each in its own transaction: one bad item is reported and skipped, the rest continue.

Each item is an incoming story (`ingest.incoming`) that `ingest.apply.story_apply` applies
with the rules every source shares; on top of it the wire keeps its own record of the item
(`WireItem`: version, story, status, near-duplicate group), in the same transaction.

Items are keyed by (source, guid). A version seen before is `unchanged`; a newer one (a
higher NewsML-G2 version, or changed content for formats without versions) updates the same
story in place; `stat:canceled` withdraws it. New items are drafts for the desk unless the
source is trusted (`publish_directly`), and a near-duplicate of an item already received is
grouped under it (`duplicate_of`) and never published a second time. A wire source files its
copy into its default section: agencies do not make sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from dateline.core import bulk, clock
from dateline.ingest.apply import (
    BATCH,
    ITEM_ERRORS,
    Applied,
    Run,
    public_path,
    stories_apply,
    story_apply,
)
from dateline.ingest.duplicates import (
    CANDIDATE_DISTANCE,
    DuplicateIndex,
    Probe,
    distance,
    normalised_words,
    shingles,
    simhash,
    sketch,
    to_signed,
)
from dateline.ingest.fetch import FetchError, fetch, read_location
from dateline.ingest.incoming import KEEP, PUBLISH, WITHDRAW, IncomingStory, is_newer
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
from dateline.ingest.sources.entry import BadEntry, DocumentError
from dateline.news.models import Status
from dateline.newsroom.actions.intake import HELD, PROPOSED
from dateline.newsroom.actors import wire_actor

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
    poll = _Poll(DuplicateIndex(now=now), now)
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
            elif _import_document(source, fetched.body, source.location, report, poll):
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
            _import_document(source, path.read_bytes(), str(path), report, poll)
    WireSource.objects.filter(pk=source.pk).update(**state)
    for name, value in state.items():
        setattr(source, name, value)
    return report


def _folder_files(folder: Path, format: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found = {p for pattern in FOLDER_FILES[format] for p in folder.glob(pattern)}
    return sorted(p for p in found if p.is_file() and not p.name.startswith("."))


def _parse(source: WireSource, data: bytes) -> tuple[list[IncomingStory | BadEntry], list[str]]:
    if source.format == WireSource.Format.FEED:
        document = rss.parse(data, source=source.article_source)
        return document.entries, document.notes
    if source.format == WireSource.Format.NINJS:
        return ninjs.wire_entries(data, source=source.article_source), []
    return newsml.parse(data, source=source.article_source), []


@dataclass
class _Poll:
    """What the items of one poll share."""

    index: DuplicateIndex
    now: dt.datetime
    run: Run = field(default_factory=Run)


def _import_document(
    source: WireSource, data: bytes, label: str, report: WireReport, poll: _Poll
) -> bool:
    try:
        entries, notes = _parse(source, data)
    except DocumentError as exc:
        report.add(ItemResult(FAILED, label, str(exc)))
        return False
    report.notes.extend(notes)
    guids = [e.source_id for e in entries if isinstance(e, IncomingStory)]
    known = {
        item.guid: item
        for item in WireItem.objects.filter(source=source, guid__in=guids).select_related("article")
    }
    poll.run.prefetch(source.article_source, guids)
    actor = wire_actor(source.name, trusted=source.publish_directly, source=source.article_source)
    batch = _Batch(source, poll, actor, report, known)
    for entry in entries:
        if isinstance(entry, BadEntry):
            batch.flush()
            report.add(ItemResult(SKIPPED if entry.skipped else FAILED, entry.guid, entry.reason))
            continue
        if batch.takes(entry):
            continue
        near_one = batch.near_one
        batch.flush()  # what came before it is in: it may update or duplicate one of them
        if near_one and batch.takes(entry):
            continue  # near one of them in bits, not in text: new after all, batched
        try:
            result, item = wire_item_apply(
                source=source,
                incoming=entry,
                known=known.get(entry.source_id),
                poll=poll,
                actor=actor,
            )
        except ITEM_ERRORS as exc:
            report.add(ItemResult(FAILED, entry.source_id, f"{exc.__class__.__name__}: {exc}"))
            continue
        if item is not None:
            known[entry.source_id] = item
        report.add(result)
    batch.flush()
    return True


class _Batch:
    """New items of a document that go in together (`ingest.apply.stories_apply`): items
    the wire has never seen, not withdrawn, and near-duplicates of nothing received. Their
    stories are made in one transaction with their `WireItem` records, in a number of
    queries that does not grow with the batch. Any other item waits until the batch
    before it is in, and goes through `wire_item_apply` alone."""

    def __init__(self, source, poll, actor, report, known) -> None:
        self.source, self.poll, self.actor, self.report, self.known = (
            source,
            poll,
            actor,
            report,
            known,
        )
        self.entries: list[IncomingStory] = []
        self.fingerprints: dict[str, int | None] = {}
        self.probes: dict[str, Probe | None] = {}
        # The last item refused was within CANDIDATE_DISTANCE of one of the batch: once the
        # batch is in, the index compares their texts, and it may be taken after all.
        self.near_one = False

    def takes(self, incoming: IncomingStory) -> bool:
        guid = incoming.source_id
        self.near_one = False
        if guid in self.known or incoming.want == WITHDRAW or guid in self.fingerprints:
            return False
        words = normalised_words(incoming.headline, incoming.body)
        found = shingles(words)
        fingerprint = simhash(words, found)
        probe = Probe(found) if fingerprint is not None else None
        if fingerprint is not None and any(
            other is not None and distance(fingerprint, other) <= CANDIDATE_DISTANCE
            for other in self.fingerprints.values()
        ):
            self.near_one = True
            return False  # it may duplicate one of the batch: they go in first
        if self.poll.index.group_of(words, fingerprint, probe=probe) is not None:
            return False
        incoming.section = None  # the source's default section, for a new story
        incoming.credit = incoming.credit or self.source.default_credit[:200]
        self.entries.append(incoming)
        self.fingerprints[guid] = fingerprint
        self.probes[guid] = probe
        if len(self.entries) >= BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        if not self.entries:
            return
        entries, self.entries = self.entries, []
        fingerprints, self.fingerprints = self.fingerprints, {}
        probes, self.probes = self.probes, {}
        now = self.poll.now
        items: dict[str, WireItem] = {}

        def record(pairs: list[tuple[IncomingStory, Applied]]) -> None:
            made = []
            for incoming, applied in pairs:
                guid = incoming.source_id
                item = WireItem(source=self.source, guid=guid, received_at=now, updated_at=now)
                item.version = incoming.version[:64]
                item.headline = incoming.headline[:300]
                if applied.outcome != UNCHANGED:
                    item.article = applied.article
                    fingerprint = fingerprints[guid]
                    if fingerprint is not None:
                        item.fingerprint = to_signed(fingerprint)
                        item.sketch = _sketch(applied.article, incoming, probes[guid])
                    item.status = {
                        HELD: WireItem.Status.HELD,
                        PROPOSED: WireItem.Status.PROPOSED,
                    }.get(applied.received, WireItem.Status.NEW)
                items[guid] = item
                made.append(item)
            # COPY, not an INSERT composed in Python and parsed back (`core.bulk`): with
            # the ids first, which the index and a later update of the poll need.
            bulk.ids_take(WireItem, made)
            bulk.rows_insert(WireItem, made)

        outcomes = stories_apply(
            entries,
            actor=self.actor,
            run=self.poll.run,
            default_section=self.source.default_section,
            then=record,
        )
        for incoming, outcome in zip(entries, outcomes, strict=True):
            guid = incoming.source_id
            if isinstance(outcome, BaseException):
                detail = f"{outcome.__class__.__name__}: {outcome}"
                self.report.add(ItemResult(FAILED, guid, detail))
                continue
            item = items[guid]
            self.poll.index.add(item.pk, fingerprints[guid], None, item.sketch)
            self.known[guid] = item
            if outcome.outcome != UNCHANGED:
                outcome.outcome = CREATED
            self.report.add(outcome.result())


def wire_item_apply(
    *,
    source: WireSource,
    incoming: IncomingStory,
    known: WireItem | None,
    poll: _Poll,
    actor,
) -> tuple[ItemResult, WireItem | None]:
    """One wire item: its story through `story_apply`, and the wire's record of it."""
    guid = incoming.source_id
    if known is not None and not is_newer(incoming.version, known.version):
        return ItemResult(UNCHANGED, guid, public_path(known.article)), None
    incoming.section = None  # the source's default section, for a new story
    incoming.credit = incoming.credit or source.default_credit[:200]
    item = known or WireItem(
        source=source, guid=guid, received_at=poll.now, headline=incoming.headline[:300]
    )
    words = fingerprint = probe = None
    if incoming.want != WITHDRAW:
        words = normalised_words(incoming.headline, incoming.body)
        found = shingles(words)
        fingerprint = simhash(words, found)
        probe = Probe(found) if fingerprint is not None else None
        if known is None:
            item.duplicate_of_id = poll.index.group_of(words, fingerprint, probe=probe)
        if item.duplicate_of_id:
            head = WireItem.objects.select_related("source").get(pk=item.duplicate_of_id)
            incoming.notes.append(f"near-duplicate of {head.guid} from {head.source.name}")
            live = known is not None and known.article and known.article.status == Status.PUBLISHED
            if (
                incoming.want == PUBLISH
                and source.publish_directly
                and not live
                and _group_has_live_story(item.duplicate_of_id)
            ):
                incoming.notes.append("kept as a draft: the story is already published")
                incoming.want = KEEP

    written: list[bytes | None] = []  # the sketch stored with the item, when one was

    def record(applied: Applied) -> None:
        item.version = incoming.version[:64]
        item.updated_at = poll.now
        if applied.outcome == UNCHANGED:
            pass  # the story has this version already: only the item's version moves
        elif incoming.want == WITHDRAW:
            item.status = WireItem.Status.WITHDRAWN
        else:
            item.article = applied.article
            item.headline = incoming.headline[:300]
            item.fingerprint = to_signed(fingerprint) if fingerprint is not None else None
            item.sketch = _sketch(applied.article, incoming, probe) if probe is not None else None
            item.status = {HELD: WireItem.Status.HELD, PROPOSED: WireItem.Status.PROPOSED}.get(
                applied.received,
                WireItem.Status.NEW if known is None else WireItem.Status.UPDATED,
            )
            written.append(item.sketch)
        if known is not None and not written:
            # The sketch read with the item may have been cleared since by an edit of its
            # story (ingest migration 0004): it is not written back.
            item.save(update_fields=_ALL_BUT_SKETCH)
        else:
            item.save()

    applied = story_apply(
        incoming,
        actor=actor,
        run=poll.run,
        default_section=source.default_section,
        then=record,
    )
    if incoming.want == WITHDRAW:
        if applied.outcome == SKIPPED:
            return ItemResult(SKIPPED, guid, "canceled by the agency before we had it"), item
        applied.notes.append("withdrawn by the agency")
    else:
        poll.index.add(item.pk, fingerprint, item.duplicate_of_id, *written)
    if applied.outcome != UNCHANGED:
        applied.outcome = CREATED if known is None else UPDATED
    return applied.result(), item


_ALL_BUT_SKETCH = [f.name for f in WireItem._meta.concrete_fields if f.name not in ("id", "sketch")]


def _sketch(article, incoming: IncomingStory, probe: Probe) -> bytes:
    """The sketch of the article's text as stored, from the item's probe when they are the
    same text (the body as filed is the item's unless pictures or links were resolved in it)."""
    same = article.headline == incoming.headline and article.body == incoming.body
    return sketch(article.headline, article.body, probe=probe if same else None)


def _group_has_live_story(head_id: int) -> bool:
    return WireItem.objects.filter(
        Q(pk=head_id) | Q(duplicate_of_id=head_id), article__status=Status.PUBLISHED
    ).exists()


class Poller:
    """`dateline ingest --watch`: each enabled source polled when its interval has passed
    since its last poll. The schedule is the sources' `last_polled_at`, in the database, so
    it is the site's, not a process's: a poller that takes over (another server's, after
    the first stopped) goes on from where the first left off, and a one-off `dateline
    ingest` counts as a poll. Only one process polls at a time (`POLLER_LOCK`, held by the
    command). Tests call `poll_due` with a clock of their own (time-machine)."""

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

    def sources(self):
        sources = WireSource.objects.filter(enabled=True).select_related("default_section")
        if self.names:
            sources = sources.filter(name__in=self.names)
        return list(sources)

    @staticmethod
    def _due_at(source: WireSource) -> dt.datetime | None:
        if source.last_polled_at is None:
            return None
        return source.last_polled_at + dt.timedelta(seconds=source.interval)

    def poll_due(self, now: dt.datetime | None = None) -> list[tuple[WireSource, WireReport]]:
        """Poll the sources whose interval has passed since their last poll."""
        return self.poll(now or clock.now())

    def poll_every(self) -> list[tuple[WireSource, WireReport]]:
        """Poll every source now, whatever its schedule (a one-off `dateline ingest`)."""
        return self.poll(None)

    def poll(self, now: dt.datetime | None) -> list[tuple[WireSource, WireReport]]:
        polled = []
        for source in self.sources():
            due = self._due_at(source)
            if now is not None and due is not None and due > now:
                continue
            report = wire_poll(source=source, report=self.make_report())
            polled.append((source, report))
            if self.on_report is not None:
                self.on_report(source, report)
        return polled

    def seconds_to_next(self, now: dt.datetime | None = None) -> float:
        now = now or clock.now()
        due = [self._due_at(s) for s in self.sources()]
        if not due:
            return float("inf")
        if any(d is None for d in due):
            return 0.0
        return max(0.0, (min(due) - now).total_seconds())


# One wire poller among all the site's servers (dateline/core/locks.py).
POLLER_LOCK = "dateline wire poller"


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
    poll = _Poll(DuplicateIndex(now=now), now)
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
        _import_document(source, data, location, wire_report, poll)
    return report
