"""Live coverage for tests, made through the newsroom's actions as the test desk."""

from __future__ import annotations

from dateline.live.models import LiveEntry
from dateline.news.models import Article
from dateline.news.tests.factories import desk


def go_live(article: Article) -> Article:
    from dateline.newsroom.actions.live import live_start

    live_start(article=article, by=desk())
    return article


def post(article: Article, text: str, **options) -> LiveEntry:
    from dateline.newsroom.actions.live import live_entry_add

    return live_entry_add(article=article, by=desk(), text=text, **options)
