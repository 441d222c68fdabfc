"""Small factories for news tests: every write goes through the services, as in the product."""

from __future__ import annotations

import datetime as dt
import itertools

from dateline.core import clock
from dateline.news import services
from dateline.news.models import Article, Section

_n = itertools.count(1)


def section(name: str | None = None) -> Section:
    return services.section_get_or_create(name=name or f"Section {next(_n)}")


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
        services.article_publish(
            article=a, at=published_at or clock.now() - dt.timedelta(minutes=n)
        )
    return a
