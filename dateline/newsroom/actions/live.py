"""Live coverage from the desk: start it, post, edit, pin and delete entries, end it.
Every entry goes straight to readers, so only editors post (a writer's text is reviewed
before it is published; live entries have no review). Each action checks the role,
takes the story's coverage row lock, changes the rows through `live.services` and audits.

Why the lock on an added entry. Open pages ask for the entries after the newest id they
show. Ids come from a sequence when a row is inserted, not when it commits: two editors
posting at once could commit id 6 before id 5, a page could read 6 and then never ask
for 5. Under the coverage row's lock (PostgreSQL; SQLite writes one at a time anyway)
the time is taken and the row inserted one story's post at a time, so ids, times and
commits agree, and two posts both land, ordered by time, then id."""

from __future__ import annotations

import datetime as dt
import html

from django.db import transaction

from dateline.core import clock
from dateline.live.models import LiveCoverage, LiveEntry
from dateline.live.services import _live_coverage_set, _live_entry_delete, _live_entry_save
from dateline.news.body import BodyRefused, picture_placeholder, sanitize
from dateline.news.embeds import EmbedRefused, embed_parse, embed_placeholder
from dateline.news.models import Article
from dateline.newsroom.actions.base import EDITORS, ActionRefused, _audit, _require
from dateline.newsroom.actors import is_person
from dateline.pictures.models import Picture

TITLE_MAX = 200


def _coverage(article: Article, *, lock: bool = True) -> LiveCoverage | None:
    rows = LiveCoverage.objects.select_for_update() if lock else LiveCoverage.objects
    return rows.filter(pk=article.pk).first()


def _body(text: str, *, picture: Picture | None = None, embed_url: str = "") -> str:
    """An entry's stored body from what the desk typed: plain text (paragraphs split on
    blank lines) or, when it starts with a tag, the same HTML a story body takes; then a
    picture and an embed; all through the story body's sanitiser."""
    text = (text or "").strip()
    if text and not text.startswith("<"):
        text = "".join(
            f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>"
            for block in text.replace("\r\n", "\n").split("\n\n")
            if block.strip()
        )
    if picture is not None:
        text += picture_placeholder(picture.pk)
    if embed_url.strip():
        try:
            text += embed_placeholder(embed_parse(embed_url.strip()))
        except EmbedRefused as exc:
            raise ActionRefused(f"That embed cannot be used: {exc}") from exc
    try:
        body = sanitize(text)
    except BodyRefused as exc:
        raise ActionRefused(f"This text cannot be posted: {exc}.") from exc
    if not body:
        raise ActionRefused("An entry needs some text, a picture or an embed.")
    return body


def _byline(by) -> str:
    if is_person(by):
        return (by.get_full_name() or "").strip()[:150]
    return ""


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise ActionRefused(f"A title takes at most {TITLE_MAX} characters.")
    return title


def _unpin_others(article_id: int, keep: int | None) -> None:
    # One pinned entry at a time: pinning one unpins the one before, through the door.
    for other in LiveEntry.objects.filter(article_id=article_id, pinned=True).exclude(pk=keep):
        other.pinned = False
        _live_entry_save(entry=other, edited=False, revise=True)


def _when(by, at: dt.datetime | None, *, not_before: dt.datetime | None = None) -> dt.datetime:
    """Now, or for an importer (which keeps the times things had where they came from)
    `at`: never in the future, and never before the story's newest entry, so that ids and
    times still agree (see the module's docstring)."""
    now = clock.now()
    if at is None:
        return now
    if not getattr(by, "may_backdate", False):
        raise ActionRefused("Entries are posted now; only an importer keeps earlier times.")
    if at > now or (not_before is not None and at < not_before):
        raise ActionRefused("An imported entry must come after the story's newest, by now.")
    return at


@transaction.atomic
def live_start(*, article: Article, by, at: dt.datetime | None = None) -> LiveCoverage:
    """Make a story live (or live again after it ended)."""
    _require(by, EDITORS, "start live coverage")
    Article.objects.select_for_update().filter(pk=article.pk).exists()
    before = _coverage(article)
    if before is not None and before.is_live:
        raise ActionRefused("This story is live already.")
    coverage = _live_coverage_set(article_id=article.pk, started=True, at=_when(by, at))
    _audit(by, "live_start", article)
    return coverage


@transaction.atomic
def live_end(*, article: Article, by) -> LiveCoverage:
    _require(by, EDITORS, "end live coverage")
    coverage = _coverage(article)
    if coverage is None or not coverage.is_live:
        raise ActionRefused("This story is not live.")
    coverage = _live_coverage_set(article_id=article.pk, started=False)
    _audit(by, "live_end", article)
    return coverage


@transaction.atomic
def live_entry_add(
    *,
    article: Article,
    by,
    text: str,
    title: str = "",
    key_event: bool = False,
    pinned: bool = False,
    picture: Picture | None = None,
    embed_url: str = "",
    at: dt.datetime | None = None,
) -> LiveEntry:
    _require(by, EDITORS, "post to a live story")
    body = _body(text, picture=picture, embed_url=embed_url)
    title = _title(title)
    coverage = _coverage(article)  # the lock: see the module's docstring
    if coverage is None or not coverage.is_live:
        raise ActionRefused("Start live coverage of this story before posting to it.")
    newest = (
        LiveEntry.objects.filter(article_id=article.pk)
        .order_by("-posted_at")
        .values_list("posted_at", flat=True)
        .first()
    )
    entry = LiveEntry(
        article_id=article.pk,
        posted_at=_when(by, at, not_before=newest or coverage.started_at),
        title=title,
        body=body,
        key_event=key_event,
        pinned=pinned,
        posted_by=by if is_person(by) else None,
        byline=_byline(by),
    )
    _live_entry_save(entry=entry, edited=False, revise=pinned)
    if pinned:
        _unpin_others(article.pk, entry.pk)
    _audit(by, "live_entry_add", article, entry=entry.pk, key_event=key_event, pinned=pinned)
    return entry


def _locked_entry(entry: LiveEntry) -> LiveEntry:
    coverage = LiveCoverage.objects.select_for_update().filter(pk=entry.article_id).first()
    if coverage is None:
        raise ActionRefused("This story has no live coverage.")
    found = LiveEntry.objects.filter(pk=entry.pk).first()
    if found is None:
        raise ActionRefused("That entry was deleted meanwhile.")
    return found


@transaction.atomic
def live_entry_edit(
    *,
    entry: LiveEntry,
    by,
    text: str,
    title: str = "",
    key_event: bool | None = None,
    picture: Picture | None = None,
    embed_url: str = "",
) -> LiveEntry:
    _require(by, EDITORS, "edit a live entry")
    body = _body(text, picture=picture, embed_url=embed_url)
    entry = _locked_entry(entry)
    entry.body = body
    entry.title = _title(title)
    if key_event is not None:
        entry.key_event = key_event
    _live_entry_save(entry=entry, edited=True, revise=True)
    _audit(by, "live_entry_edit", entry.article, entry=entry.pk)
    return entry


@transaction.atomic
def live_entry_delete(*, entry: LiveEntry, by) -> None:
    _require(by, EDITORS, "delete a live entry")
    entry = _locked_entry(entry)
    article, pk = entry.article, entry.pk
    _live_entry_delete(entry=entry)
    _audit(by, "live_entry_delete", article, entry=pk)


@transaction.atomic
def live_entry_pin(*, entry: LiveEntry, by, pinned: bool = True) -> LiveEntry:
    """Pin an entry above the others (unpinning the one pinned before), or unpin it."""
    _require(by, EDITORS, "pin a live entry")
    entry = _locked_entry(entry)
    if entry.pinned == pinned:
        return entry
    if pinned:
        _unpin_others(entry.article_id, entry.pk)
    entry.pinned = pinned
    _live_entry_save(entry=entry, edited=False, revise=True)
    _audit(by, "live_entry_pin" if pinned else "live_entry_unpin", entry.article, entry=entry.pk)
    return entry
