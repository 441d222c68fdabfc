"""The archive blocks' rows (models.ArchiveBlock), written from the stories in SQL that
SQLite and PostgreSQL run alike. Only news.services (after a story's change) and the
migration that made the table call `refresh`."""

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


# Each block's lastmod as of `now`: the stored one, or, for a block where a scheduled
# story has gone live since its row was written, read again from its (at most
# BLOCK_SIZE) stories by primary key. One statement; it reads the blocks, not the archive.
_LASTMODS_SQL = f"""
SELECT b.number,
  CASE WHEN b.due IS NOT NULL AND b.due <= %(now)s THEN (
    SELECT MAX({_CHANGED}) FROM news_article a
    WHERE a.id BETWEEN b.number * %(size)s + 1 AND (b.number + 1) * %(size)s
      AND a.status = %(published)s AND a.published_at <= %(now)s
  ) ELSE b.lastmod END
FROM news_archiveblock b
ORDER BY b.number
"""


def lastmods(now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(block number, lastmod) of every block with a visible story, in block order."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    params = {
        "now": connection.ops.adapt_datetimefield_value(now),
        "published": Status.PUBLISHED,
        "size": archive_model.BLOCK_SIZE,
    }
    with connection.cursor() as cursor:
        cursor.execute(_LASTMODS_SQL, params)
        rows = cursor.fetchall()
    result = []
    for number, value in rows:
        if value is None:
            continue
        if isinstance(value, str):  # SQLite: a subquery's result is not converted
            value = parse_datetime(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        result.append((number, value))
    return result
