"""Writing the index: a batch rebuilds each story's document once, at its end and inside its
transaction; an edit that changes nothing the index holds rebuilds nothing. The same cases
on SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from dateline.news import services
from dateline.news.models import Article, Tag
from dateline.news.tests import factories
from dateline.search import index
from dateline.search.selectors import Visibility, search_stories

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [h.article.headline for h in search_stories(query).hits]


@contextmanager
def documents_written():
    """How many times a story's document was written (inserted or rebuilt) inside."""
    counted = {"n": 0}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # This transaction's own counts, as they stand.
            sql = (
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_xact_user_tables"
                " WHERE relname = 'search_searchdocument'"
            )
            cursor.execute(sql)
            before = cursor.fetchone()[0]
            yield counted
            cursor.execute(sql)
            counted["n"] = cursor.fetchone()[0] - before
            return
        cursor.execute("CREATE TEMP TABLE document_writes (n integer)")
        for op in ("INSERT", "UPDATE"):
            cursor.execute(
                f"CREATE TEMP TRIGGER document_write_{op.lower()} AFTER {op} ON "
                "main.search_searchdocument BEGIN INSERT INTO document_writes VALUES (1); END"
            )
        try:
            yield counted
            cursor.execute("SELECT count(*) FROM document_writes")
            counted["n"] = cursor.fetchone()[0]
        finally:
            cursor.execute("DROP TRIGGER temp.document_write_insert")
            cursor.execute("DROP TRIGGER temp.document_write_update")
            cursor.execute("DROP TABLE temp.document_writes")


def test_stories_written_in_a_batch_are_indexed_once_each_when_it_ends():
    tag = services.tag_get_or_create(name="Lighthouse keepers")
    with documents_written() as written:
        with index.batch():
            rows = Article.objects.bulk_create(
                Article(headline=f"Harbour story {n}", slug=f"harbour-{n}", body="")
                for n in range(3)
            )
            Article.tags.through.objects.bulk_create(
                Article.tags.through(article_id=a.pk, tag_id=tag.pk) for a in rows
            )
            for a in rows:
                Article.objects.filter(pk=a.pk).update(body="<p>The gannets returned.</p>")
            # Noted, not yet indexed: the batch's end does it.
            assert search_stories("gannets", visibility=Visibility.NEWSROOM).hits == []
    assert written["n"] == 3
    newsroom = {
        h.article.pk for h in search_stories("gannets", visibility=Visibility.NEWSROOM).hits
    }
    assert newsroom == {a.pk for a in rows}
    by_tag = search_stories("keepers", visibility=Visibility.NEWSROOM).hits
    assert {h.article.pk for h in by_tag} == newsroom


def test_a_batch_indexes_the_other_stories_it_touches():
    a = factories.article(headline="Quay works", body="<p>Cranes arrive.</p>")
    factories.save(a, tags=[services.tag_get_or_create(name="Dockside")])
    with index.batch():
        Tag.objects.filter(name="Dockside").update(name="Shipyard")
        factories.article(headline="Ferry timetable", body="<p>Summer sailings.</p>")
    assert found("shipyard") == ["Quay works"]
    assert found("dockside") == []
    assert found("sailings") == ["Ferry timetable"]


def test_an_error_inside_a_batch_rolls_it_back_and_later_writes_are_indexed_at_once():
    # The batch is part of its caller's transaction (an import's batch): both roll back.
    with pytest.raises(RuntimeError), transaction.atomic(), index.batch():
        factories.article(headline="Lost story", body="<p>Never kept.</p>")
        raise RuntimeError("the source broke off")
    assert not Article.objects.filter(headline="Lost story").exists()
    factories.article(headline="Kept story", body="<p>Puffins nesting.</p>")
    assert found("puffins") == ["Kept story"]


def test_an_update_of_columns_the_index_does_not_hold_rebuilds_nothing():
    a = factories.article(headline="Beacon lit", body="<p>The beacon shone.</p>")
    with documents_written() as written:
        Article.objects.filter(pk=a.pk).update(body_words=999, version=a.version + 1)
    assert written["n"] == 0
    with documents_written() as written:
        Article.objects.filter(pk=a.pk).update(headline="Beacon relit")
    assert written["n"] == 1
    assert found("relit") == ["Beacon relit"]
