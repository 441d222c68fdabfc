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


_DUE_SQL = """
SELECT (id - 1) / %s, {text} FROM news_article
WHERE status = %s AND published_at <= %s AND ({ranges})
GROUP BY (id - 1) / %s
"""

# A time as text, naive UTC, ISO 8601: as SQLite stores it (read as text, not converted),
# as PostgreSQL is told to write it. The sitemap index lists a thousand blocks at a million
# stories, and turning each into a datetime in Python (psycopg's loader) cost more than the
# rest of the page.
_AS_TEXT = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
    "sqlite": "CAST({} AS TEXT)",
}


def lastmods(now: dt.datetime) -> list[tuple[int, str]]:
    """(block number, lastmod) of every block with a visible story, in block order, as of
    `now`, each lastmod as naive UTC ISO text (`utc`): the rows as kept, one query; and for
    the blocks where a scheduled story has gone live since their row was written (nothing
    is written when it does), their lastmods read again from their stories by primary key,
    one more query. (One query with a correlated subquery for those would do, but
    PostgreSQL then estimates the whole archive and spends most of a second compiling it
    with JIT.)"""
    as_text = _AS_TEXT.get(connection.vendor, "{}")
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number, {as_text.format('lastmod')}, {as_text.format('due')} "
            "FROM news_archiveblock ORDER BY number"
        )
        rows = cursor.fetchall()
    found = {number: lastmod for number, lastmod, _ in rows}
    due = [number for number, _, at in rows if at is not None and utc(at) <= now]
    if due:
        size = archive_model.BLOCK_SIZE
        ranges = " OR ".join(["id BETWEEN %s AND %s"] * len(due))
        bounds = [bound for n in due for bound in archive_model.block_ids(n)]
        sql = _DUE_SQL.format(ranges=ranges, text=as_text.format(f"MAX({_CHANGED})"))
        with connection.cursor() as cursor:
            cursor.execute(sql, [size, Status.PUBLISHED, when, *bounds, size])
            found.update(cursor.fetchall())
    return [(number, found[number]) for number in sorted(found) if found[number] is not None]


def utc(text: str) -> dt.datetime:
    """A time `lastmods` gave, as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
