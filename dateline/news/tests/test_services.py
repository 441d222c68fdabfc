"""Writes through the services."""

from __future__ import annotations

import pytest

from dateline.news import services
from dateline.news.models import Article
from dateline.news.tests import factories


@pytest.mark.django_db
def test_a_taken_slug_is_refused_with_a_clear_message():
    factories.article(headline="Quay reopens", slug="quay")
    with pytest.raises(services.SlugTaken, match="/story/quay/"):
        services.article_save(article=Article(headline="Another", slug="quay"))


@pytest.mark.django_db
def test_generated_slugs_never_collide():
    a = factories.article(headline="Storm warning")
    b = factories.article(headline="Storm warning")
    assert a.slug == "storm-warning" and b.slug == "storm-warning-2"


@pytest.mark.django_db
def test_a_story_appears_only_once_in_a_list():
    a = factories.article()
    from dateline.newsroom.actions.base import ActionRefused

    with pytest.raises(ActionRefused, match="only once"):
        factories.curate("dont-miss", [a, a])
