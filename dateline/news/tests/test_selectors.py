"""The hand-written SQL of the article page agrees with the ORM's answer."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dateline.core import clock
from dateline.news import selectors, services
from dateline.news.models import Article, Topic
from dateline.news.tests import factories


def _orm_neighbours(article: Article, now: dt.datetime):
    base = Article.objects.published(now).filter(section_id=article.section_id)
    at = article.published_at
    before = base.exclude(pk=article.pk).filter(published_at__lte=at)
    before = before.exclude(published_at=at, pk__gt=article.pk)
    after = base.exclude(pk=article.pk).filter(published_at__gte=at)
    after = after.exclude(published_at=at, pk__lt=article.pk)
    previous = before.order_by("-published_at", "-pk").first()
    following = after.order_by("published_at", "pk").first()
    return (previous.pk if previous else None, following.pk if following else None)


@pytest.mark.django_db
def test_neighbours_match_the_orm_with_ties_drafts_sections_and_schedules():
    rng = random.Random(7)
    now = clock.now().replace(microsecond=0)
    desks = [factories.section("Desk A"), factories.section("Desk B"), None]
    stories = []
    for i in range(40):
        # Many stories share a second, so ties are ordered by id.
        at = now - dt.timedelta(hours=rng.randint(-3, 10))
        stories.append(
            factories.article(
                headline=f"Item {i}",
                section_obj=rng.choice(desks),
                published_at=at,
                publish=rng.random() > 0.1,
            )
        )
    visible = list(Article.objects.published(now))
    assert len(visible) > 20
    for article in visible:
        previous, following = selectors._neighbours(article, now)
        got = (previous.pk if previous else None, following.pk if following else None)
        assert got == _orm_neighbours(article, now), article.headline


@pytest.mark.django_db
def test_labels_are_the_stories_authors_topics_and_tags_by_name():
    a = factories.article()
    factories.save(
        a,
        authors=[services.author_get_or_create(name=n) for n in ("Zoe Pike", "Ari Dunn")],
        topics=[
            services.topic_get_or_create(kind=Topic.Kind.PLACE, name="Quay"),
            services.topic_get_or_create(kind=Topic.Kind.PERSON, name="Ada Lund"),
        ],
        tags=[services.tag_get_or_create(name="Ferries")],
    )
    factories.article()  # another story's labels must not leak in
    labels = selectors._labels(a.pk)
    assert [x.name for x in labels.authors] == ["Ari Dunn", "Zoe Pike"]
    assert [(x.name, x.kind) for x in labels.topics] == [("Ada Lund", "person"), ("Quay", "place")]
    assert [x.name for x in labels.tags] == ["Ferries"]
    assert labels.topics[0].get_absolute_url() == "/topic/person/ada-lund/"


@pytest.mark.django_db
def test_labels_are_built_as_rows_and_show_names_and_addresses_without_a_query(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dateline.news.models import Author, Tag

    a = factories.article()
    factories.save(
        a,
        authors=[services.author_get_or_create(name="Ari Dunn")],
        topics=[services.topic_get_or_create(kind=Topic.Kind.PLACE, name="Quay")],
        tags=[services.tag_get_or_create(name="Ferries")],
    )
    made = []
    for model in (Author, Topic, Tag):
        init = model.__init__
        monkeypatch.setattr(
            model,
            "__init__",
            lambda self, *a, _init=init, **k: made.append(self) or _init(self, *a, **k),
        )
    labels = selectors._labels(a.pk)
    assert made == []  # no keyword __init__ per label
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (x.name, x.get_absolute_url()) for x in [*labels.authors, *labels.topics, *labels.tags]
        ]
    assert shown == [
        ("Ari Dunn", "/author/ari-dunn/"),
        ("Quay", "/topic/place/quay/"),
        ("Ferries", "/tag/ferries/"),
    ]
    assert len(queries) == 0
    assert labels.authors[0] == services.author_get_or_create(name="Ari Dunn")
