"""news/rows.py: instances from hand-written SQL are the ones the ORM makes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from dateline.news import rows, selectors
from dateline.news.models import Article
from dateline.news.tests import factories
from dateline.pictures.models import Picture


def _state(instance):
    return (instance._state.adding, instance._state.db, instance.get_deferred_fields())


def _sql(attnames):
    return f"SELECT {rows.columns(Article, attnames)} FROM news_article WHERE id = %s"


@pytest.mark.django_db
@pytest.mark.parametrize("attnames", [selectors._ARTICLE_FIELDS, ("id", "slug", "headline")])
def test_a_row_makes_the_instance_from_db_makes(attnames):
    story = factories.article(headline="Harbour wall")
    made = rows.load(Article, attnames, _sql(attnames), [story.pk])[0]
    values = [made.__dict__[name] for name in attnames]
    order = [f.attname for f in Article._meta.concrete_fields if f.attname in attnames]
    reference = Article.from_db("default", order, [values[attnames.index(n)] for n in order])
    assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
        k: v for k, v in reference.__dict__.items() if k != "_state"
    }
    assert _state(made) == _state(reference)
    assert made == story and made.headline == "Harbour wall"
    with CaptureQueriesContext(connection) as queries:
        # A field not selected loads on demand, as a deferred field does.
        assert made.standfirst == story.standfirst
    assert len(queries) == (0 if "standfirst" in attnames else 1)


@pytest.mark.django_db
def test_a_story_row_skips_model_init(monkeypatch):
    story = factories.article()
    calls = []
    init = Article.__init__

    def counting(self, *args, **kwargs):
        calls.append(args)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Article, "__init__", counting)
    rows.load(Article, ("id", "slug", "headline"), _sql(("id", "slug", "headline")), [story.pk])
    rows.make(Article, ("id", "slug", "headline"), (story.pk, story.slug, story.headline))
    assert calls == []


@pytest.mark.django_db
def test_a_model_with_creation_receivers_still_gets_them():
    # A picture's ImageField fills its dimensions on post_init; a receiver of a model's
    # creation is never skipped.
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Article)
    try:
        story = factories.article()
        seen.clear()
        rows.make(Article, ("id", "slug", "headline"), (story.pk, story.slug, story.headline))
    finally:
        post_init.disconnect(receiver, sender=Article)
    assert seen == [story.pk]
    assert post_init.has_listeners(Picture)  # so pictures go through from_db
