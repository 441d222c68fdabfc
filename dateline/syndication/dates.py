"""The instants every output states about a story, so that the page, the feeds, the
sitemaps, the structured data and ninjs agree with each other to the second.

A story has two: when it was first published (`published_at`) and when it last changed
in substance (`updated_at`, moved only by updates, corrections, clarifications and
retractions, never by a typo fix). Modified is never before published: an imported item
may carry a version time older than its embargo.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateline.news.models import Article


def local(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """`value` in the publication's time zone, to the second: every format below then
    carries the offset that applied on that day (summer or winter time)."""
    return value.astimezone(zone).replace(microsecond=0)


def published(article: Article, zone: ZoneInfo) -> dt.datetime:
    return local(article.published_at, zone)


def modified(article: Article, zone: ZoneInfo) -> dt.datetime:
    if article.updated_at and article.updated_at > article.published_at:
        return local(article.updated_at, zone)
    return published(article, zone)


def rfc3339(value: dt.datetime) -> str:
    """2026-07-01T00:30:00+01:00 (Atom, sitemaps, JSON-LD, OpenGraph, ninjs)."""
    return value.isoformat(timespec="seconds")
