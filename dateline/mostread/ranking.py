"""The ranking readers see, refreshed from the counts every REFRESH_SECONDS by
`dateline worker` (and by `dateline mostread refresh`).

Pages never read the live counts: they read the last refresh (`RankedStory`), memoised
under the tag `mostread` (news/selectors.py, `most_read`), so a kept page equals a fresh
render at any moment. A refresh that changes which stories are shown, or their order,
bumps `mostread` (news/touches.py, `ranking_touches`) after it commits, and every page
with the block is rendered again at its next request; a refresh that changes only the
counts writes nothing and bumps nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.db import connections, transaction

from dateline.core import clock
from dateline.mostread.models import RankedStory
from dateline.mostread.store import KEEP_HOURS, hour_of, store
from dateline.news.models import Article
from dateline.news.touches import ranking_touches
from dateline.pagecache import invalidate

log = logging.getLogger("dateline.mostread")

SHOWN = 5  # stories in the block
REFRESH_SECONDS = 300
HOURS = 24


def window_start(now: float) -> dt.datetime:
    """The first hour counted: the current one and the 23 before it."""
    return hour_of(now) - dt.timedelta(hours=HOURS - 1)


def counts(now: float | None = None) -> list[tuple[int, int]]:
    """(story id, reads) over the last 24 hours, most read first; equal counts newest
    story first, so the order is the same in every process."""
    now = time.time() if now is None else now
    found = store().totals(window_start(now))
    return sorted(found.items(), key=lambda item: (-item[1], -item[0]))


def top(now: float | None = None, *, size: int = SHOWN) -> list[tuple[int, int]]:
    """The most read visible stories: (id, reads)."""
    ranked = counts(now)
    visible: set[int] = set()
    # A story unpublished since its reads does not take a place; a few more are read
    # than shown, as many as could have left.
    for start in range(0, len(ranked), 100):
        chunk = [pk for pk, _ in ranked[start : start + 100]]
        visible |= set(
            Article.objects.published().filter(pk__in=chunk).values_list("pk", flat=True)
        )
        if len(visible) >= size:
            break
    return [(pk, n) for pk, n in ranked if pk in visible][:size]


def shown() -> list[int]:
    return list(RankedStory.objects.values_list("article_id", flat=True))


def refresh(now: float | None = None) -> bool:
    """Replace the ranking readers see with the counts' when the stories or their order
    changed; whether it did. Also forgets what is past its time: hours past KEEP_HOURS,
    and hashes past their window."""
    now = time.time() if now is None else now
    found = top(now)
    with transaction.atomic():
        before = shown()
        after = [pk for pk, _ in found]
        tags = ranking_touches(before, after)
        if tags:
            at = clock.now()
            RankedStory.objects.all().delete()
            RankedStory.objects.bulk_create(
                RankedStory(position=i, article_id=pk, reads=n, refreshed_at=at)
                for i, (pk, n) in enumerate(found, start=1)
            )
            invalidate(tags)
    store().prune(hour_of(now) - dt.timedelta(hours=KEEP_HOURS))
    store().sweep(now)
    return bool(tags)


def refresh_logged() -> None:
    try:
        refresh()
    except Exception:  # the next round tries again; the worker's other tasks go on
        log.exception("most read: the refresh failed")


def keep_refreshing(interval: float = REFRESH_SECONDS) -> threading.Thread:
    """Refresh now and every `interval` seconds, in a daemon thread (`dateline worker`
    starts it). Several workers may each run one: a refresh that finds the ranking
    unchanged writes nothing, and two that change it at once bump the tag twice."""

    def loop() -> None:
        while True:
            refresh_logged()
            connections.close_all()  # this thread's own connection, not kept idle
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="dateline-mostread", daemon=True)
    thread.start()
    return thread
