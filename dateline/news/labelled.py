"""A label's stories, newest first, read from the label's own link rows.

Tags, topics and authors label stories through many-to-many tables. Ordering a label's
stories by publication time through such a table means reading all of them and sorting
(at a million stories, an author's 50,000), since no index can span the two tables. So
each link row also carries its story's publication time while the story is published
(`published_at`, null otherwise): a column that migration 0011 adds to the three tables
and that Django's models do not name. An index on (label, published_at, story) then
answers "the newest visible stories of this label, after this cursor" by walking from
the cursor and stopping after a page, like the section index on news_article.

Triggers keep the column equal to the story (migration 0011): a link row takes its story's
time when inserted, and a change to a story's status or publication time reaches its link
rows, in the statement that makes it. Every writer is covered, raw SQL included.
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
    upto = now
    if after is not None and after[0] == "<":
        # One upper bound, the earlier: with two, SQLite walked from `now` to the cursor.
        upto = min(now, after[1])
    sql = f"SELECT article_id FROM {table} WHERE {column} = %s AND published_at <= %s"
    params: list = [label_id, ops.adapt_datetimefield_value(upto)]
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
