"""A label's stories, newest first, read from the label's own link rows.

Tags, topics and authors label stories through many-to-many tables. Ordering a label's
stories by publication time through such a table means reading all of them and sorting
(at a million stories, an author's 50,000), since no index can span the two tables. So
each link row also carries its story's publication time while the story is published
(`published_at`, null otherwise): a column that migration 0011 adds to the three tables
and that Django's models do not name. An index on (label, published_at, story) then
answers "the newest visible stories of this label, after this cursor" by walking from
the cursor and stopping after a page, like the section index on news_article.

`sync` keeps the column equal to the story; news.services calls it after every change to
a story or its labels (`_story_changed`), in the same transaction, so a page read after
the commit sees both. A row Django adds (`.set()`, `.add()`) starts null, which reads as
"not visible" until that call, a moment later in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import DateTimeField
from django.db.models.expressions import RawSQL

# kind → (link table, label column)
TABLES = {
    "tag": ("news_article_tags", "tag_id"),
    "topic": ("news_article_topics", "topic_id"),
    "author": ("news_article_authors", "author_id"),
}


def sync(article_id: int, published_at: dt.datetime | None) -> None:
    """Copy the story's publication time (None unless it is published) to its link rows."""
    value = connection.ops.adapt_datetimefield_value(published_at) if published_at else None
    with connection.cursor() as cursor:
        for table, _ in TABLES.values():
            cursor.execute(
                f"UPDATE {table} SET published_at = %s WHERE article_id = %s", [value, article_id]
            )


def sync_many(stories: list[tuple[int, dt.datetime | None]]) -> None:
    """`sync` for a batch of new stories (an import's): one statement per link table, sent
    once per story (psycopg pipelines them)."""
    if not stories:
        return
    adapt = connection.ops.adapt_datetimefield_value
    rows = [(adapt(at) if at else None, pk) for pk, at in stories]
    with connection.cursor() as cursor:
        for table, _ in TABLES.values():
            cursor.executemany(f"UPDATE {table} SET published_at = %s WHERE article_id = %s", rows)


def story_ids(
    kind: str,
    label_id: int,
    now: dt.datetime,
    *,
    limit: int,
    after: tuple[str, dt.datetime, int] | None = None,
) -> RawSQL:
    """A subquery: the ids of the `limit` visible stories of the label nearest `after`
    (op, publication time, id), newest first for "<" or none, oldest first for ">"."""
    table, column = TABLES[kind]
    ops = connection.ops
    sql = f"SELECT article_id FROM {table} WHERE {column} = %s AND published_at <= %s"
    params: list = [label_id, ops.adapt_datetimefield_value(now)]
    order = "DESC"
    if after is not None:
        op, at, pk = after
        sql += f" AND (published_at, article_id) {op} (%s, %s)"
        params += [ops.adapt_datetimefield_value(at), pk]
        order = "ASC" if op == ">" else "DESC"
    sql += f" ORDER BY published_at {order}, article_id {order} LIMIT {int(limit)}"
    return RawSQL(sql, params)


def newest(kind: str, outer: str, now: dt.datetime) -> RawSQL:
    """For annotating labels of `kind` (table `outer`): each one's newest visible story's
    publication time, one index lookup per label."""
    table, column = TABLES[kind]
    sql = (
        f"SELECT MAX(r.published_at) FROM {table} r "
        f"WHERE r.{column} = {outer}.id AND r.published_at <= %s"
    )
    return RawSQL(
        sql, [connection.ops.adapt_datetimefield_value(now)], output_field=DateTimeField()
    )


def newest_of_any(kind: str, now: dt.datetime) -> dt.datetime | None:
    """The newest visible story with any label of `kind`."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    table, _ = TABLES[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(published_at) FROM {table} WHERE published_at <= %s",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        (value,) = cursor.fetchone()
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
