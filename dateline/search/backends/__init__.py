"""One engine per database vendor, behind the same three calls; the selectors pick the one
that matches the connection. Each returns article ids with their scores and raw snippets
(the matched words between START and STOP), never rows the caller did not ask to see."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.db import connection

# Markers around matched words in a raw snippet: control characters, which a query never
# holds (query.parse drops them) and the snippet builder removes from text before escaping.
START, STOP = "\x02", "\x03"


class Visibility(enum.Enum):
    READERS = "readers"  # published, not taken down, published_at ≤ now
    NEWSROOM = "newsroom"  # every story the desk works on: drafts, scheduled, taken down


class Sort(enum.Enum):
    BEST = "best"  # relevance weighed by recency
    RELEVANCE = "relevance"
    NEWEST = "newest"


@dataclass(frozen=True)
class Filters:
    section_id: int | None = None
    author_id: int | None = None
    published_from: dt.datetime | None = None  # inclusive
    published_before: dt.datetime | None = None  # exclusive
    status: str | None = None  # news.models.Status; the newsroom's lists narrow by it


@dataclass(frozen=True)
class RawHit:
    article_id: int
    score: float
    snippet: str


# A story a year old counts a third as much as today's for the same words, one from seven
# years ago a fifteenth; RECENCY_DAYS is where it counts half.
RECENCY_DAYS = 180.0


def conditions(
    *, visibility: Visibility, filters: Filters, now: dt.datetime
) -> tuple[list[str], dict]:
    """SQL conditions on the document row `d` (both engines), and their parameters."""
    adapt = connection.ops.adapt_datetimefield_value
    where: list[str] = []
    params: dict = {}
    if visibility is Visibility.READERS:
        # A visible story's recency is its publication time, so it is never after now
        # either; said so, the time index's range stops at now, and a window of the last
        # days no longer reads every scheduled story (dated in the coming days) to drop it.
        # A date range that ends before now bounds that range instead: SQLite takes one
        # upper bound of a column for an index range, and with two it walked from now.
        until = filters.published_before
        upper = "< %(until)s" if until is not None and until <= now else "<= %(now)s"
        where.append(
            f"d.status = 'published' AND d.published_at <= %(now)s AND d.recency_at {upper}"
        )
    else:
        where.append("d.status <> 'placeholder'")
    params["now"] = adapt(now)
    if filters.section_id is not None:
        where.append("d.section_id = %(section)s")
        params["section"] = filters.section_id
    if filters.author_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM news_article_authors r "
            "WHERE r.article_id = d.article_id AND r.author_id = %(author)s)"
        )
        params["author"] = filters.author_id
    if filters.status is not None:
        where.append("d.status = %(status)s")
        params["status"] = filters.status
    if filters.published_from is not None:
        where.append("d.published_at >= %(since)s")
        if visibility is Visibility.READERS:
            # Recency is publication time: the time index's range starts there too.
            where.append("d.recency_at >= %(since)s")
        params["since"] = adapt(filters.published_from)
    if filters.published_before is not None:
        where.append("d.published_at < %(until)s")
        params["until"] = adapt(filters.published_before)
    return where, params


def backend():
    if connection.vendor == "postgresql":
        from dateline.search.backends import postgres

        return postgres
    from dateline.search.backends import sqlite

    return sqlite
