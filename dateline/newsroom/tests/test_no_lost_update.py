"""Two editors save the same story from the same version: one wins, the other is refused
with who changed it; nothing is lost. On PostgreSQL the two saves run at once on two real
connections; SQLite serialises writers, so there they run one after the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dateline.news import services
from dateline.news.models import Article
from dateline.news.tests import factories as news_factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


def _save(pk: int, headline: str, version: int, user, results: dict, barrier=None):
    try:
        article = Article.objects.get(pk=pk)
        article.headline = headline
        if barrier is not None:
            barrier.wait(timeout=30)
        services.article_save(article=article, expected_version=version, by=user)
        results[headline] = "saved"
    except services.EditConflict as exc:
        results[headline] = str(exc)
    finally:
        if barrier is not None:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_one_version_one_wins_and_the_other_is_told_who():
    article = news_factories.article(headline="Ferry fares frozen", publish=False)
    version = article.version
    ann, bob = staff(Role.EDITOR, "ann"), staff(Role.EDITOR, "bob")
    results: dict[str, str] = {}
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_save,
                args=(article.pk, f"Ferry fares frozen ({who})", version, user, results, barrier),
            )
            for who, user in (("ann", ann), ("bob", bob))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    else:
        _save(article.pk, "Ferry fares frozen (ann)", version, ann, results)
        _save(article.pk, "Ferry fares frozen (bob)", version, bob, results)
    assert sorted(v == "saved" for v in results.values()) == [False, True], results
    [winner] = [k for k, v in results.items() if v == "saved"]
    [refusal] = [v for v in results.values() if v != "saved"]
    winner_name = "ann" if "(ann)" in winner else "bob"
    assert refusal.startswith(f"{winner_name} saved this story at")
    assert f"after you opened version {version}" in refusal
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == winner and stored.version == version + 1
    assert stored.modified_by.username == winner_name


@pytest.mark.django_db
def test_saving_from_the_current_version_succeeds_repeatedly():
    article = news_factories.article(publish=False)
    for i in range(3):
        article.headline = f"Draft {i}"
        services.article_save(article=article, expected_version=article.version)
    assert Article.objects.get(pk=article.pk).headline == "Draft 2"
