"""Small factories for news tests. Every write goes through the services, and everything
that changes what readers see through the newsroom's actions, as in the product: the
factories act as a named system actor, "test desk", an editor who may backdate."""

from __future__ import annotations

import datetime as dt
import itertools

from dateline.core import clock
from dateline.news import services
from dateline.news.models import Article, Section

_n = itertools.count(1)


def desk():
    from dateline.newsroom.actors import SystemActor
    from dateline.newsroom.roles import Role

    return SystemActor("test desk", frozenset({Role.ADMIN}), may_backdate=True)


def section(name: str | None = None) -> Section:
    return services.section_get_or_create(name=name or f"Section {next(_n)}")


def publish(article: Article, at: dt.datetime | None = None) -> Article:
    """Publish (or schedule) `article` at `at`, or now, as the test desk."""
    from dateline.newsroom.actions.publication import article_schedule

    article_schedule(article=article, by=desk(), at=at or clock.now())
    article.refresh_from_db()
    return article


def unpublish(article: Article) -> Article:
    from dateline.newsroom.actions.publication import article_unpublish

    article_unpublish(article=article, by=desk())
    article.refresh_from_db()
    return article


def withdraw(article: Article) -> Article:
    from dateline.newsroom.actions.publication import article_withdraw

    article_withdraw(article=article, by=desk())
    article.refresh_from_db()
    return article


def correct(article: Article, *, kind: str, note: str = "") -> Article:
    """Save the changes made to a live story's fields as a typed correction."""
    from dateline.newsroom.actions.publication import article_correct

    article_correct(article=article, by=desk(), kind=kind, note=note)
    return article


def curate(key: str, articles: list[Article], title: str | None = None) -> None:
    from dateline.newsroom.actions.workflow import front_curate

    front_curate(key=key, articles=articles, by=desk(), title=title)


def article(
    *,
    headline: str | None = None,
    section_obj: Section | None = None,
    published_at: dt.datetime | None = None,
    body: str = "<p>Body text of the story, long enough to read.</p>",
    standfirst: str = "A standfirst for the story.",
    publish: bool = True,
    **fields,
) -> Article:
    n = next(_n)
    a = Article(
        headline=headline or f"Story number {n}",
        standfirst=standfirst,
        body=body,
        section=section_obj,
        **fields,
    )
    services.article_save(article=a)
    if publish:
        _publish(a, published_at or clock.now() - dt.timedelta(minutes=n))
    return a


_publish = publish


def save(article: Article, *, by=None, **relations) -> Article:
    """Save changes made to `article`'s fields: a draft as it is, a live or scheduled story
    as an editor's typo fix (the only way its text changes without a note to readers)."""
    from dateline.news.models import Status
    from dateline.newsroom.actions.publication import article_correct

    stored = Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
    if stored == Status.PUBLISHED:
        article_correct(article=article, by=by or desk(), kind="typo", **relations)
    else:
        services.article_save(article=article, by=by, **relations)
    return article
