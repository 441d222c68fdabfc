"""Writes of live coverage. Private to the newsroom's actions (newsroom/actions/live.py,
the one door; newsroom/tests/test_one_door.py fails if anything else calls them). Each
reads what readers see before and after and hands both to `news.touches`, whose tags are
bumped after commit (and purged from a cache in front)."""

from __future__ import annotations

import datetime as dt

from dateline.core import clock
from dateline.live.models import LiveCoverage, LiveEntry
from dateline.news.touches import live_coverage_touches, live_entry_touches, story_state
from dateline.pagecache import invalidate


def coverage_state(article_id: int) -> tuple | None:
    """What readers see of a story's coverage: when it started and ended."""
    row = LiveCoverage.objects.filter(pk=article_id).values_list("started_at", "ended_at").first()
    return tuple(row) if row else None


def entry_state(entry: LiveEntry | None) -> tuple | None:
    """What readers see of one entry (`revision` aside, which only tells their pages to
    reload it)."""
    if entry is None or entry.pk is None:
        return None
    return (
        entry.pk,
        entry.posted_at,
        entry.edited_at,
        entry.title,
        entry.body,
        entry.key_event,
        entry.pinned,
        entry.byline,
    )


def _live_coverage_set(
    *, article_id: int, started: bool, at: dt.datetime | None = None
) -> LiveCoverage:
    """Start (again) or end a story's live coverage, now or `at`. The caller holds the
    coverage row."""
    before = coverage_state(article_id)
    now = at or clock.now()
    coverage = LiveCoverage.objects.filter(pk=article_id).first()
    if coverage is None:
        coverage = LiveCoverage(article_id=article_id, started_at=now)
    if started:
        coverage.ended_at = None
    elif coverage.ended_at is None:
        coverage.ended_at = now
    coverage.save()
    invalidate(live_coverage_touches(story_state(article_id), before, coverage_state(article_id)))
    return coverage


def _live_entry_save(*, entry: LiveEntry, edited: bool, revise: bool) -> LiveEntry:
    """Add an entry (`edited` False) or save an edited one. `revise` moves the coverage's
    revision, so open pages reload the stream (an edit, a pin) rather than only add to it.
    The caller holds the coverage row lock: see newsroom/actions/live.py for why."""
    before = entry_state(LiveEntry.objects.filter(pk=entry.pk).first()) if entry.pk else None
    if edited:
        entry.edited_at = clock.now()
    entry.save()
    if revise:
        _revise(entry.article_id)
    invalidate(live_entry_touches(story_state(entry.article_id), before, entry_state(entry)))
    return entry


def _live_entry_delete(*, entry: LiveEntry) -> None:
    before = entry_state(entry)
    article_id = entry.article_id
    entry.delete()
    _revise(article_id)
    invalidate(live_entry_touches(story_state(article_id), before, None))


def _revise(article_id: int) -> None:
    from django.db.models import F

    LiveCoverage.objects.filter(pk=article_id).update(revision=F("revision") + 1)
