"""The archive blocks' rows (models.ArchiveBlock), written from the stories in SQL that
SQLite and PostgreSQL run alike. Only news.services (after a story's change, `record`) and
the migration that made the table (`refresh`) write them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from dateline.news.models import archive as archive_model
from dateline.news.models.articles import Status

_CHANGED = "CASE WHEN updated_at > published_at THEN updated_at ELSE published_at END"

_REFRESH_SQL = f"""
INSERT INTO news_archiveblock (number, lastmod, due)
SELECT (id - 1) / %s,
       MAX(CASE WHEN published_at <= %s THEN {_CHANGED} END),
       MIN(CASE WHEN published_at > %s THEN published_at END)
FROM news_article
WHERE status = %s AND published_at IS NOT NULL {{where}}
GROUP BY (id - 1) / %s
"""


def refresh(numbers: Iterable[int] | None = None, *, now: dt.datetime) -> None:
    """Write the rows of blocks `numbers` (every block when None) from their stories: two
    statements, each reading at most a block's stories by primary key per block."""
    when = connection.ops.adapt_datetimefield_value(now)
    size = archive_model.BLOCK_SIZE
    with connection.cursor() as cursor:
        if numbers is None:
            cursor.execute("DELETE FROM news_archiveblock")
            cursor.execute(
                _REFRESH_SQL.format(where=""), [size, when, when, Status.PUBLISHED, size]
            )
            return
        numbers = sorted(set(numbers))
        if not numbers:
            return
        placeholders = ", ".join(["%s"] * len(numbers))
        cursor.execute(f"DELETE FROM news_archiveblock WHERE number IN ({placeholders})", numbers)
        ranges = " OR ".join(["id BETWEEN %s AND %s"] * len(numbers))
        bounds = [bound for n in numbers for bound in archive_model.block_ids(n)]
        params = [size, when, when, Status.PUBLISHED, *bounds, size]
        cursor.execute(_REFRESH_SQL.format(where=f"AND ({ranges})"), params)


_UPSERT_SQL = """
INSERT INTO news_archiveblock (number, lastmod, due) VALUES (%s, %s, %s)
ON CONFLICT (number) DO UPDATE SET
  lastmod = CASE WHEN excluded.lastmod IS NOT NULL AND (news_archiveblock.lastmod IS NULL
                 OR excluded.lastmod > news_archiveblock.lastmod)
            THEN excluded.lastmod ELSE news_archiveblock.lastmod END,
  due = CASE WHEN excluded.due IS NOT NULL AND (news_archiveblock.due IS NULL
             OR excluded.due < news_archiveblock.due)
        THEN excluded.due ELSE news_archiveblock.due END
"""


def record(
    number: int,
    *,
    lastmod: dt.datetime | None = None,
    due: dt.datetime | None = None,
) -> None:
    """A story of block `number` is visible with this substantive change time, or
    scheduled for `due`: the block's lastmod can only move up to it and its due down, so
    one statement, without reading the block. (A story leaving view, or moving back in
    time, needs `refresh`.) The import pipeline's statements per story are pinned."""
    ops = connection.ops
    at = ops.adapt_datetimefield_value(lastmod) if lastmod else None
    when = ops.adapt_datetimefield_value(due) if due else None
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, [number, at, when])


_DUE_SQL = f"""
SELECT (id - 1) / %s, MAX({_CHANGED}) FROM news_article
WHERE status = %s AND published_at <= %s AND ({{ranges}})
GROUP BY (id - 1) / %s
"""


def lastmods(now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(block number, lastmod) of every block with a visible story, in block order, as of
    `now`: the rows as kept, one query; and for the blocks where a scheduled story has
    gone live since their row was written (nothing is written when it does), their
    lastmods read again from their stories by primary key, one more query. (One query
    with a correlated subquery for those would do, but PostgreSQL then estimates the
    whole archive and spends most of a second compiling it with JIT.)"""
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, lastmod, due FROM news_archiveblock ORDER BY number")
        rows = cursor.fetchall()
    found = {number: _aware(lastmod) for number, lastmod, _ in rows}
    due = [number for number, _, at in rows if at is not None and _aware(at) <= now]
    if due:
        size = archive_model.BLOCK_SIZE
        ranges = " OR ".join(["id BETWEEN %s AND %s"] * len(due))
        bounds = [bound for n in due for bound in archive_model.block_ids(n)]
        with connection.cursor() as cursor:
            cursor.execute(
                _DUE_SQL.format(ranges=ranges), [size, Status.PUBLISHED, when, *bounds, size]
            )
            found.update((number, _aware(value)) for number, value in cursor.fetchall())
    return [(number, found[number]) for number in sorted(found) if found[number] is not None]


def _aware(value) -> dt.datetime | None:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    if value is None:
        return None
    if isinstance(value, str):  # SQLite: an aggregate's result is not converted
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
