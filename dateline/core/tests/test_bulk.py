"""Rows by the hundred (dateline.core.bulk): on PostgreSQL by COPY, with ids taken from the
sequence first when the caller needs them; elsewhere as bulk_create. Whatever the engine,
a row reads back as the model would have saved it, and a counter of statements sees one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.core import bulk
from dateline.news.models import Article, Tag
from dateline.news.tests import factories
from dateline.newsroom.models import AuditEntry


@pytest.mark.django_db
def test_rows_inserted_in_bulk_read_back_as_the_model_saves_them():
    story = factories.article(headline="Harbour")
    entries = [
        AuditEntry(actor_name="wordpress import", action="receive", article=story,
                   detail={"status": "draft", "n": n, "names": ["ä", "\\t"]})
        for n in range(3)
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        bulk.rows_insert(AuditEntry, entries)
    assert len(queries) == 1
    stored = list(AuditEntry.objects.filter(article=story, action="receive").order_by("pk"))
    assert [e.detail for e in stored] == [e.detail for e in entries]
    assert all(e.at is not None and e.actor_name == "wordpress import" for e in stored)


@pytest.mark.engine("postgresql")  # SQLite has no sequence: bulk_create gives the ids
@pytest.mark.django_db
def test_ids_taken_first_are_the_ids_the_rows_get():
    rows = [Article(headline=f"Story {n}", slug=f"bulk-story-{n}") for n in range(3)]
    assert bulk.ids_take(Article, rows)
    taken = [a.pk for a in rows]
    bulk.rows_insert(Article, rows)
    assert (
        sorted(Article.objects.filter(slug__startswith="bulk-story-").values_list("pk", flat=True))
        == taken
    )
    later = factories.article(headline="After")
    assert later.pk > max(taken)


@pytest.mark.django_db
def test_link_rows_from_pairs_are_counted_as_one_statement():
    story = factories.article(headline="Tagged")
    tags = [Tag.objects.create(name=f"Bulk tag {n}", slug=f"bulk-tag-{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        bulk.pairs_insert(
            Article.tags.through, ("article_id", "tag_id"), [(story.pk, t.pk) for t in tags]
        )
    assert len(queries) == 1
    assert sorted(story.tags.values_list("pk", flat=True)) == sorted(t.pk for t in tags)
