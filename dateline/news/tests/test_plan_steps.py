"""A keyset read starts at its cursor on SQLite, however many newer stories there are:
counted in SQLite's own virtual-machine steps (a progress handler called every step), not
time. Given two upper bounds on published_at (now, and the cursor's), SQLite walked the
index from `now` down to the cursor: 82 ms for the oldest story's previous/next, 246 ms
for a deep API page at 200,000 stories (bench/README.md, "A million stories on SQLite")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dateline.api import cursor as cursors
from dateline.api import selectors as api
from dateline.core import clock
from dateline.core.tests.steps import sqlite_steps as _steps
from dateline.news import selectors
from dateline.news.models import Article
from dateline.news.tests import factories

# SQLite's planner; PostgreSQL takes the tighter bound (news/tests/test_plans.py).
pytestmark = pytest.mark.engine("sqlite")

NEWER = 60


@pytest.fixture
def stories():
    desk = factories.section("Harbour")
    tag = factories.services.tag_get_or_create(name="Ferries")
    now = clock.now()
    made = []
    for n in range(NEWER + 2):
        story = factories.article(section_obj=desk, published_at=now - dt.timedelta(hours=n + 1))
        factories.save(story, tags=[tag])
        made.append(Article.objects.get(pk=story.pk))
    connection.ensure_connection()
    return made, tag


def _flat(near: int, far: int) -> None:
    # Each newer story walked past costs tens of steps; NEWER of them, thousands.
    assert far < near + 10 * NEWER, (near, far)


@pytest.mark.django_db
def test_previous_and_next_of_an_old_story_start_at_the_story(stories):
    made, _ = stories
    now = clock.now()
    near = _steps(lambda: selectors._neighbours(made[1], now))
    far = _steps(lambda: selectors._neighbours(made[-2], now))
    _flat(near, far)


@pytest.mark.django_db
def test_a_deep_api_page_starts_at_its_cursor(stories):
    made, tag = stories

    def page(story, **filters):
        cursor = cursors.encode(story.published_at, story.pk)
        return lambda: api.story_list(cursor=cursor, limit=1, **filters)

    page(made[1])()  # the site's settings and labels memoised
    _flat(_steps(page(made[1])), _steps(page(made[-3])))
    page(made[1], tag=tag.slug)()
    _flat(_steps(page(made[1], tag=tag.slug)), _steps(page(made[-3], tag=tag.slug)))
