"""One way in: `story_apply` turns an `IncomingStory` from any source into a story.

The same rules for every source (ninjs, wire feeds, NewsML-G2, WordPress, web pages, the
demo site):

- **Identity**: a story is (source, source id). A version the story already has is
  `unchanged` and nothing is written.
- **Placeholders**: a story linked from another before its own item arrived is a
  placeholder row (never shown to readers), filled in when its item comes.
- **Pictures** come into the library once per run, keyed by (source, key); their bytes are
  read before the item's transaction opens, so a slow fetch never holds the write lock. A
  picture that cannot be had is left out and the result line says why; a lead picture that
  cannot be had this time leaves the story's current one in place.
- **Sections, authors, tags, topics** are found or made once per run (`Run`).
- **Publication** goes through the newsroom's door, `article_receive`, with the source's
  system actor: takedowns stick, a live story the desk edited gets a proposal, an update
  to a live story is audited, and the actor's roles decide what may go live. Importers
  keep a story's own time; a wire source publishes now or at its embargo.
- **Redirects**: the source's old addresses answer 301 to the story.

Each item is one transaction. Near-duplicates and the wire's own records (`ingest.wire`)
sit on top of this, in the same transaction (`then`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import lxml.html
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from lxml import etree

from dateline.core import bulk, clock
from dateline.ingest import xml
from dateline.ingest.fetch import FetchError
from dateline.ingest.incoming import (
    WITHDRAW,
    IncomingPicture,
    IncomingSection,
    IncomingStory,
    is_newer,
)
from dateline.ingest.pipeline import CREATED, SKIPPED, UNCHANGED, UPDATED, ItemResult
from dateline.news import body as body_format
from dateline.news import services as news
from dateline.news.models import Article, Redirect, Section, Status
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.actions.intake import Filed, article_receive, articles_receive_new
from dateline.pictures.models import Picture
from dateline.pictures.services import PictureRejected, picture_create_or_update

# What one item may fail with and still let the rest of its import go on.
ITEM_ERRORS = (ValueError, ValidationError, DatabaseError, FetchError, ActionRefused)

_MARKERS = ("data-incoming-", "data-picture", "data-article", "also-read")
_REFERENCE = re.compile(
    r"\sdata-(?:picture|article|incoming-picture|incoming-story)\s*=\s*(?:\"[^\"]*\"|'[^']*'|\S+)"
)


def _by_source_ids(source: str, source_ids: list[str]):
    """The stories of `source` with these source ids. `source_id <> ''` said outright: it
    is the unique index's condition, which PostgreSQL cannot read into a list of more than
    100 ids (a batch has 200), and without it every lookup read the whole table."""
    return Article.objects.filter(source=source, source_id__in=source_ids).exclude(source_id="")


# The tables whose lookups by a batch's keys (its stories' source ids, ids, redirect paths,
# label links) an import's next batches make. PostgreSQL plans them from the statistics of
# the last ANALYZE: a table that has none, or that of when it held a tenth of its rows,
# looks to the planner as if a list of 200 keys matched most of it, and the lookup reads
# it whole, a cost that grows with the archive (issue 11: at 25,000 posts two thirds of
# the database's time a story). Autovacuum's pace, where it runs at all, is not a bulk
# load's; ANALYZE reads a sample (a few hundred pages), so each doubling costs little.
def _grown_by_imports() -> list[str]:
    through = [Article.tags.through, Article.authors.through, Article.topics.through]
    return [model._meta.db_table for model in (Article, *through, Redirect)]


STATISTICS_FIRST = 1000


class RunCache(dict):
    """Rows looked up or made during a run, so each is fetched once. A row made inside an
    item's transaction is gone if that transaction rolls back, so what was added while it
    was open is forgotten with it (`forget_unsettled`); otherwise a later item would refer
    to a row that no longer exists."""

    def __init__(self) -> None:
        super().__init__()
        self._unsettled: list = []

    def __setitem__(self, key, value) -> None:
        if key not in self:
            self._unsettled.append(key)
        super().__setitem__(key, value)

    def settle(self) -> None:
        self._unsettled.clear()

    def forget_unsettled(self) -> None:
        for key in self._unsettled:
            self.pop(key, None)
        self._unsettled.clear()


class Run:
    """What the items of one import or poll share: the rows already found or made."""

    def __init__(self) -> None:
        self.sections: RunCache = RunCache()
        self.authors: RunCache = RunCache()
        self.tags: RunCache = RunCache()
        self.topics: RunCache = RunCache()
        # (source, key) → (picture id or None, why not)
        self.pictures: RunCache = RunCache()
        # (source, source id) → id of a story or placeholder
        self.stories: RunCache = RunCache()
        self.pictures_changed = 0
        self._depth = 0
        # Stored stories found ahead for a batch of items (`prefetch`), each taken once.
        self._found: dict[tuple[str, str], Article | None] = {}
        self._made = 0
        self._statistics_at = STATISTICS_FIRST

    def _caches(self) -> tuple[RunCache, ...]:
        return (self.sections, self.authors, self.tags, self.topics, self.pictures, self.stories)

    @contextlib.contextmanager
    def item(self) -> Iterator[None]:
        """One item's transaction. Rows made inside it are kept for the run only once it
        commits (the outermost one, if a caller nests them)."""
        self._depth += 1
        try:
            with transaction.atomic():
                yield
        except BaseException:
            for cache in self._caches():
                cache.forget_unsettled()
            raise
        finally:
            self._depth -= 1
        if self._depth == 0:
            for cache in self._caches():
                cache.settle()

    def prefetch(self, source: str, source_ids: list[str]) -> None:
        """Find the stored stories of many items in one query (a wire document's), instead
        of one query per item."""
        source_ids = [sid for sid in source_ids if sid]  # (no identity: `stored` asks)
        found = _by_source_ids(source, source_ids)
        self._found.update({(source, sid): None for sid in source_ids})
        self._found.update({(source, article.source_id): article for article in found})

    def prefetch_links(self, source: str, source_ids: set[str]) -> None:
        """Find the stories a batch links to in one query, instead of one per link."""
        wanted = [sid for sid in source_ids if sid and (source, sid) not in self.stories]
        for chunk in _chunks(wanted, 500):
            found = _by_source_ids(source, chunk).values_list("source_id", "pk")
            for source_id, pk in found:
                self.stories[source, source_id] = pk

    def made(self, count: int) -> None:
        """`count` more stories written: the tables' statistics are brought up to date each
        time the run has doubled what it wrote (`STATISTICS_FIRST`, twice that, …), unless
        that is still under a tenth of the stories they were taken with: a poll of 1,000
        into an archive of 100,000 grows it by 1 %, and its ANALYZE (0.5 s of the
        database's CPU at that size, whatever the growth) was 30 % of the poll's
        (bench/README.md). Many small runs are autovacuum's to follow, as it does (ANALYZE
        after a tenth more rows, docs/deploy.md)."""
        self._made += count
        if self._made >= self._statistics_at:
            if 10 * self._made >= bulk.rows_at_last_statistics(Article._meta.db_table):
                bulk.statistics_refresh(_grown_by_imports())
            self._statistics_at = 2 * self._made

    def stored(self, source: str, source_id: str) -> Article | None:
        """The story stored under (source, source_id), if any."""
        key = (source, source_id)
        if key in self._found:
            return self._found.pop(key)
        return Article.objects.filter(source=source, source_id=source_id).first()

    def section(self, wanted: IncomingSection, _seen: frozenset = frozenset()) -> Section:
        key = wanted.source_id or f"name:{wanted.name.strip().lower()}"
        if key in self.sections:
            return self.sections[key]
        parent = None
        if wanted.parent is not None and key not in _seen:
            parent = self.section(wanted.parent, _seen | {key})
        section = news.section_get_or_create(name=wanted.name[:100], source_id=wanted.source_id)
        if parent is not None and parent.pk != section.pk and section.parent_id != parent.pk:
            section.parent = parent
            news.label_save(label=section)
        self.sections[key] = section
        return section

    def author(self, name: str):
        if name not in self.authors:
            self.authors[name] = news.author_get_or_create(name=name)
        return self.authors[name]

    def tag(self, name: str):
        if name not in self.tags:
            self.tags[name] = news.tag_get_or_create(name=name)
        return self.tags[name]

    def topic(self, kind: str, name: str):
        if (kind, name) not in self.topics:
            self.topics[kind, name] = news.topic_get_or_create(kind=kind, name=name)
        return self.topics[kind, name]

    def story_id(self, source: str, source_id: str, headline: str) -> int:
        """The id of a story of `source`, made a placeholder if it has not arrived yet."""
        key = (source, source_id)
        if key not in self.stories:
            self._found.pop(key, None)  # a placeholder made now is not what was found ahead
            found = (
                Article.objects.filter(source=source, source_id=source_id)
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                placeholder = Article(
                    headline=(headline or source_id)[:300],
                    status=Status.PLACEHOLDER,
                    source=source,
                    source_id=source_id,
                )
                found = news.article_save(article=placeholder).pk
            self.stories[key] = found
        return self.stories[key]

    def picture(
        self, picture: IncomingPicture, *, source: str, data: bytes | Exception | None
    ) -> tuple[int | None, str]:
        """The picture's id in the library (stored now if this run has not yet), or None and
        why. `data` is what reading it gave (None: the run has it already)."""
        key = (source, picture.key[:500])
        if key in self.pictures:
            return self.pictures[key]
        try:
            if isinstance(data, Exception):
                raise data
            if data is None:
                data = picture.read()
            stored, changed = picture_create_or_update(
                data=data,
                filename=picture.filename or "picture.jpg",
                caption=picture.caption.strip()[:500],
                credit=picture.credit.strip()[:200],
                alt_text=(picture.alt or picture.caption).strip()[:300],
                source=source,
                source_id=picture.key[:500],
            )
        except (FetchError, PictureRejected, OSError) as exc:
            named = f"picture {picture.label} skipped" if picture.label else "picture skipped"
            self.pictures[key] = (None, f"{named}: {exc}")
        else:
            self.pictures_changed += changed
            self.pictures[key] = (stored.pk, "")
        return self.pictures[key]


@dataclass
class Applied:
    outcome: str  # created, updated, unchanged, skipped
    source_id: str
    article: Article | None
    notes: list[str] = field(default_factory=list)
    # What the door did with it (newsroom.actions.intake: saved, held, proposed).
    received: str = ""
    reason: str = ""  # why it was skipped

    def result(self, detail: str | None = None) -> ItemResult:
        if detail is None:
            detail = self.reason or public_path(self.article)
        return ItemResult(self.outcome, self.source_id, detail, list(dict.fromkeys(self.notes)))


def public_path(article: Article | None) -> str:
    if article is None:
        return "(no story)"
    if article.status == Status.PUBLISHED:
        return article.get_absolute_url()
    return f"(not public: {article.get_status_display().lower()})"


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# How many items `stories_apply` is given at a time by the importers and the wire: large
# enough that the per-batch statements cost little per story, small enough that a kill
# loses little and a batch's rows stay small in memory.
BATCH = 200

Then = Callable[[list[tuple[IncomingStory, Applied]]], None]


def stories_apply(
    incomings: list[IncomingStory],
    *,
    actor,
    run: Run | None = None,
    default_section: Section | None = None,
    then: Then | None = None,
    errors: tuple[type[BaseException], ...] = ITEM_ERRORS,
) -> list[Applied | BaseException]:
    """`story_apply` for a batch of items, with the same rules and results, in a number of
    queries that does not grow with the batch: the stored versions are read in one query,
    and the stories new to the site (no row, not even a placeholder) are made together in
    one transaction through the door's batch action (`articles_receive_new`, one audit
    entry naming each). Everything else — an update, a placeholder filled in, a withdrawal,
    an item named twice — goes through `story_apply`, one transaction each, after them.

    A batch is all or nothing: killed part-way, none of its new stories exists, and the
    next run makes them again. If it fails, its items are applied one by one, so the item
    at fault fails alone. Each item's outcome, or the error (of `errors`) it failed with,
    comes back in the items' order. `then(pairs)` runs inside each transaction with the
    (incoming, applied) pairs it wrote, for the caller's own records."""
    run = run or Run()
    outcomes: list[Applied | BaseException | None] = [None] * len(incomings)
    by_source: dict[str, list[str]] = {}
    for incoming in incomings:
        by_source.setdefault(incoming.source, []).append(incoming.source_id)
    for source, source_ids in by_source.items():
        run.prefetch(source, source_ids)
    fresh: list[int] = []
    later: list[tuple[int, Article | None, bool]] = []
    keys: set[tuple[str, str]] = set()
    for index, incoming in enumerate(incomings):
        key = (incoming.source, incoming.source_id)
        if key in keys:
            later.append((index, None, False))  # named twice: read again once the first is in
            continue
        keys.add(key)
        existing = run.stored(*key)
        if existing is None and key not in run.stories and incoming.want != WITHDRAW:
            fresh.append(index)
        else:
            later.append((index, existing, True))
    if fresh:
        batch = [incomings[i] for i in fresh]
        try:
            applied = _create_batch(batch, actor, run, default_section, then)
        except errors:
            for index in fresh:
                outcomes[index] = _one(incomings[index], actor, run, default_section, then, errors)
        else:
            for index, one in zip(fresh, applied, strict=True):
                outcomes[index] = one
            run.made(len(fresh))
    for index, existing, known in later:
        outcomes[index] = _one(
            incomings[index], actor, run, default_section, then, errors, existing, known
        )
    return outcomes


def _one(incoming, actor, run, default_section, then, errors, existing=None, known=False):
    each = None if then is None else (lambda applied: then([(incoming, applied)]))
    try:
        return _apply(incoming, actor, run, default_section, each, existing, known)
    except errors as exc:
        return exc


def _create_batch(batch, actor, run, default_section, then) -> list[Applied]:
    """The stories new to the site, made in one transaction (`stories_apply`)."""
    read: dict[str, bytes | Exception] = {}
    for incoming in batch:
        _read_pictures(incoming, run, read)
    for source in {incoming.source for incoming in batch}:
        run.prefetch_links(
            source,
            {sid for incoming in batch if incoming.source == source for sid in incoming.links},
        )
    in_batch = {(incoming.source, incoming.source_id) for incoming in batch}
    made: dict[tuple[str, str], Article] = {}
    with run.item():
        filed, notes = [], []
        for incoming in batch:
            story, story_notes, when = _new_story(
                incoming, run, read, default_section, actor, in_batch, made
            )
            made[incoming.source, incoming.source_id] = story.article
            filed.append(Filed(story, incoming.want, when))
            notes.append(story_notes)
        received = articles_receive_new(filed=filed, by=actor)
        applied = []
        pointed: dict[str, list] = {}
        for incoming, item, story_notes in zip(batch, received, notes, strict=True):
            article = item.article
            run.stories[incoming.source, incoming.source_id] = article.pk
            story_notes.extend(item.notes)
            _embargo_note(incoming, article, story_notes)
            if incoming.old_paths:
                pointed.setdefault(incoming.source, []).append((article, incoming.old_paths))
            applied.append(Applied(CREATED, incoming.source_id, article, story_notes, item.outcome))
        for source, pairs in pointed.items():
            news.redirects_point_many(pointed=pairs, source=source)
        if then is not None:
            then(list(zip(batch, applied, strict=True)))
    return applied


def _new_story(incoming, run, read, default_section, actor, in_batch, made):
    """A story new to the site as a row not yet saved, with its relations, the notes on it
    and when it is to go live (`_times`). Links to stories of the same batch have
    stand-in ids until they have theirs (`_body_after`); the door's checks read the body
    with them (no reference a check reads: body.references takes digits only)."""
    notes = list(incoming.notes)
    placed, lead = _pictures(incoming, run, read, notes)
    article = Article(source=incoming.source, source_id=incoming.source_id)
    inner = _inner_links(incoming, in_batch)
    _fill(article, incoming, placed, _linked(incoming, run, exclude=in_batch) | inner)
    body_after = _body_after(incoming, article.body, inner, made)
    article.slug = incoming.slug  # made free (or from the headline) with the batch's
    if incoming.lead_picture is not None and lead is not None:
        article.lead_picture_id = lead
    article.section = (
        run.section(incoming.section) if incoming.section is not None else default_section
    )
    when = _times(article, incoming, None, actor)
    story = news.NewStory(
        article,
        authors=_unique(run.author(n[:200]) for n in incoming.authors if n.strip()),
        tags=_unique(run.tag(n[:100]) for n in incoming.tags if n.strip()),
        topics=_unique(run.topic(k, n[:200]) for k, n in incoming.topics if n.strip()),
        body_after=body_after,
    )
    return story, notes, when


# Stand-ins for the ids of stories of the same batch, before they have them: negative (a
# stored reference is digits only: body.references) and far from any number a text holds.
_STAND_IN = -(2**62)
_STAND_INS = re.compile(r'data-article="(-\d{19})"')


def _inner_links(incoming, in_batch) -> dict[str, int]:
    """The stories of the same batch `incoming` links to, each with its stand-in id."""
    inner = sorted(
        sid
        for sid in incoming.links
        if sid != incoming.source_id and (incoming.source, sid) in in_batch
    )
    return {sid: _STAND_IN - n for n, sid in enumerate(inner)}


def _body_after(incoming, first: str, inner: dict[str, int], made):
    """The body with its links to stories of the same batch, once they have ids: `first`,
    resolved with their stand-ins, with each stand-in swapped for its story's id. (It was
    parsed and resolved again with the ids: twice a linked story, the largest repeated
    cost in the writer's profile.)"""
    if not inner:
        return None

    def body() -> str:
        ids = {str(stand_in): str(made[incoming.source, sid].pk) for sid, stand_in in inner.items()}
        return _STAND_INS.sub(lambda m: f'data-article="{ids.get(m[1], m[1])}"', first)

    return body


def _linked(incoming, run, *, exclude=frozenset()) -> dict[str, int]:
    """The stories `incoming` links to, by source id: made placeholders if they have not
    arrived; those of `exclude` (new stories of the same batch) are left out."""
    return {
        source_id: run.story_id(incoming.source, source_id, headline)
        for source_id, headline in incoming.links.items()
        if source_id != incoming.source_id and (incoming.source, source_id) not in exclude
    }


def _fill(article: Article, incoming: IncomingStory, placed, linked) -> None:
    article.headline = incoming.headline[:300]
    article.standfirst = incoming.standfirst
    article.source_credit = incoming.credit[:200]
    article.language = incoming.language[:20]
    article.located = incoming.located[:200]
    article.source_version = incoming.version[:64]
    article.body = resolve_body(incoming.body, pictures=placed, stories=linked)


def _embargo_note(incoming, article, notes) -> None:
    embargo = incoming.embargo
    if embargo and embargo > clock.now():
        if not (article.status == Status.PUBLISHED and article.published_at >= embargo):
            notes.append(f"embargoed until {embargo.isoformat()}")


def _read_pictures(incoming, run, read) -> None:
    """Pictures are read before the transaction opens: a slow fetch must not hold the lock."""
    for picture in (incoming.lead_picture, *incoming.pictures):
        if picture is None:
            continue
        if (incoming.source, picture.key[:500]) not in run.pictures and picture.key not in read:
            try:
                read[picture.key] = picture.read()
            except (FetchError, OSError) as exc:
                read[picture.key] = exc


def story_apply(
    incoming: IncomingStory,
    *,
    actor,
    run: Run | None = None,
    default_section: Section | None = None,
    then: Callable[[Applied], None] | None = None,
) -> Applied:
    """Create, update, withdraw or leave alone the story `incoming` describes, as `actor`
    (the source's system actor, newsroom.actors). `default_section` is where a new story
    goes when its source names no section. `then(applied)`, if given, runs inside the same
    transaction, for the caller's own records (the wire's items): both are saved or
    neither. (Many items at once: `stories_apply`.)"""
    return _apply(incoming, actor, run or Run(), default_section, then)


def _apply(incoming, actor, run, default_section, then, existing=None, known=False) -> Applied:
    """`story_apply`; `known`: the caller has read `existing` already."""
    if not known:
        existing = run.stored(incoming.source, incoming.source_id)
    new = existing is None or existing.status == Status.PLACEHOLDER
    early = None
    if not new and not is_newer(incoming.version, existing.source_version):
        early = Applied(UNCHANGED, incoming.source_id, existing)
    elif new and incoming.want == WITHDRAW:
        reason = "withdrawn by its source before we had it"
        early = Applied(SKIPPED, incoming.source_id, existing, reason=reason)
    if early is not None:
        if then is not None:
            with run.item():
                then(early)
        return early

    read: dict[str, bytes | Exception] = {}
    _read_pictures(incoming, run, read)
    with run.item():
        applied = _write(incoming, existing, new, actor, run, read, default_section)
        if then is not None:
            then(applied)
    return applied


def _write(incoming, existing, new, actor, run, read, default_section) -> Applied:
    notes = list(incoming.notes)
    placed, lead = _pictures(incoming, run, read, notes)
    article = existing or Article(source=incoming.source, source_id=incoming.source_id)
    _fill(article, incoming, placed, _linked(incoming, run))
    if new:
        # A placeholder's address came from a headline guessed by whoever linked to it.
        # Without the source's wish, article_save makes one from the headline.
        article.slug = (
            news.article_free_slug(incoming.slug, exclude_pk=article.pk) if incoming.slug else ""
        )
    if incoming.lead_picture is None:
        article.lead_picture = None
    elif lead is not None:
        article.lead_picture_id = lead
    # (A lead picture that could not be had this time leaves the current one in place.)
    if incoming.section is not None:
        article.section = run.section(incoming.section)
    elif new:
        article.section = default_section
    when = _times(article, incoming, existing, actor)

    received = article_receive(
        article=article,
        by=actor,
        want=incoming.want,
        published_at=when,
        authors=_unique(run.author(n[:200]) for n in incoming.authors if n.strip()),
        tags=_unique(run.tag(n[:100]) for n in incoming.tags if n.strip()),
        topics=_unique(run.topic(k, n[:200]) for k, n in incoming.topics if n.strip()),
    )
    notes.extend(received.notes)
    run.stories[incoming.source, incoming.source_id] = article.pk
    _embargo_note(incoming, article, notes)
    if incoming.old_paths:
        news.redirects_point(article=article, old_paths=incoming.old_paths, source=incoming.source)
    outcome = CREATED if new else UPDATED
    return Applied(outcome, incoming.source_id, article, notes, received.outcome)


def _pictures(incoming, run, read, notes) -> tuple[dict[str, int | None], int | None]:
    """The body's pictures by key, and the lead picture, as ids in the library."""
    placed: dict[str, int | None] = {}
    for picture in incoming.pictures:
        placed[picture.key], note = run.picture(
            picture, source=incoming.source, data=read.get(picture.key)
        )
        notes.extend([note] if note else [])
    lead = None
    if incoming.lead_picture is not None:
        lead, note = run.picture(
            incoming.lead_picture, source=incoming.source, data=read.get(incoming.lead_picture.key)
        )
        notes.extend([note] if note else [])
    return placed, lead


def _times(article, incoming, existing, actor):
    """Set the story's times from the source's, and return when it is to go live: its
    source's time for an importer (a 2019 post stays dated 2019; a future one is scheduled),
    now or the embargo for a wire source. A live story keeps its time unless the source
    moves it."""
    when = max((t for t in (incoming.published_at, incoming.embargo) if t), default=None)
    live = existing is not None and existing.status == Status.PUBLISHED
    if not live:
        # A story not on the site carries the time it had at its source, for the desk.
        article.published_at = when
    shown_from = existing.published_at if live else when
    updated = incoming.updated_at
    article.updated_at = updated if updated and (not shown_from or updated > shown_from) else None
    if when is not None and when <= clock.now() and not getattr(actor, "may_backdate", False):
        return None
    return when


def _unique(rows) -> list:
    return list({row.pk: row for row in rows}.values())


def picture_apply(picture: IncomingPicture, *, source: str, run: Run | None = None) -> ItemResult:
    """A picture on its own (a ninjs picture item): into the library, keyed like any."""
    run = run or Run()
    existed = Picture.objects.filter(source=source, source_id=picture.key[:500]).exists()
    before = run.pictures_changed
    with run.item():
        pk, note = run.picture(picture, source=source, data=None)
    if pk is None:
        return ItemResult(SKIPPED, picture.key, note)
    url = Picture.objects.get(pk=pk).url
    if not existed:
        return ItemResult(CREATED, picture.key, url)
    return ItemResult(UPDATED if run.pictures_changed > before else UNCHANGED, picture.key, url)


def fragments_root(fragments: list) -> lxml.html.HtmlElement:
    """lxml's `fragments_fromstring` result under one <div>: leading text as the div's
    text, text between elements as the tail of the element before it."""
    root = lxml.html.Element("div")
    for fragment in fragments:
        if isinstance(fragment, str):
            last = root[-1] if len(root) else None
            if last is not None:
                last.tail = (last.tail or "") + fragment
            else:
                root.text = (root.text or "") + fragment
        else:
            root.append(fragment)
    return root


def resolve_body(
    html: str, *, pictures: dict[str, int | None], stories: dict[str, int | None]
) -> str:
    """The record's symbolic references swapped for our stored ones; a reference to
    anything the record does not list, and any of our own reference attributes the source
    wrote itself, removed."""
    if not html.strip():
        return ""
    if not any(marker in html for marker in _MARKERS):
        return html
    try:
        fragments = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return _REFERENCE.sub("", html)
    root = fragments_root(fragments)
    for element in root.iter("*"):
        element.attrib.pop("data-picture", None)
        element.attrib.pop("data-article", None)
        if "also-read" in (element.get("class") or "") and "data-incoming-story" not in (
            element.attrib
        ):
            element.attrib.pop("class", None)
    for element in list(root.iter("*")):
        if element.getparent() is None:
            continue
        key = element.attrib.pop("data-incoming-picture", None)
        if key is not None:
            target = pictures.get(key)
            if target is None:
                xml.remove_keeping_tail(element)
            else:
                _replace(element, body_format.picture_placeholder(target))
            continue
        source_id = element.attrib.pop("data-incoming-story", None)
        if source_id is None:
            continue
        target = stories.get(source_id)
        if element.tag == "a":
            if target is not None:
                element.attrib.pop("href", None)
                element.set("data-article", str(target))
            elif not element.get("href"):
                element.drop_tag()  # keep the words, lose a link that leads nowhere
        elif target is None:
            xml.remove_keeping_tail(element)
        else:
            _replace(element, body_format.also_read_placeholder(target))
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


def _replace(element, placeholder: str) -> None:
    new = lxml.html.fragment_fromstring(placeholder)
    new.tail = element.tail
    element.getparent().replace(element, new)
