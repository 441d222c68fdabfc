"""The Most read block on the front and article pages, the refresh that changes it, and the
desk's screen with the counts."""

from __future__ import annotations

import time

import lxml.html
import pytest

from dateline.mostread import ranking
from dateline.mostread.models import RankedStory
from dateline.mostread.store import store
from dateline.news.tests import factories
from dateline.news.tests.readers import cached, truth
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pagecache.tests.client import commit


def read(story, readers: int, *, first: int = 0) -> None:
    for n in range(first, first + readers):
        store().count(f"192.0.2.{n}", story.pk, time.time())


def block(html: bytes) -> list[str]:
    tree = lxml.html.fromstring(html)
    return [a.text_content() for a in tree.cssselect("section.most-read ol li a")]


@pytest.fixture
def stories(db):
    section = factories.section("Harbour")
    return [factories.article(headline=f"Story {i}", section_obj=section) for i in range(8)]


@pytest.mark.django_db
def test_the_block_shows_the_five_most_read_on_front_and_article_pages(counting, stories):
    for i, story in enumerate(stories):
        read(story, i + 1)
    assert ranking.refresh()
    expected = [f"Story {i}" for i in (7, 6, 5, 4, 3)]
    for url in ("/", stories[0].get_absolute_url()):
        page = truth(url)
        assert page.status == 200
        assert block(page.body) == expected, url
        assert "mostread" in page.deps
    assert list(RankedStory.objects.values_list("reads", flat=True)) == [8, 7, 6, 5, 4]


@pytest.mark.django_db
def test_no_block_before_anything_is_read(counting, stories):
    assert not ranking.refresh()
    assert block(truth("/").body) == []
    assert b'class="most-read"' not in truth(stories[0].get_absolute_url()).body


@pytest.mark.django_db
def test_a_refresh_reaches_kept_pages_only_when_the_order_changes(counting, stories):
    read(stories[0], 3)
    read(stories[1], 2)
    ranking.refresh()
    commit()
    url = stories[5].get_absolute_url()
    for path in ("/", url):
        assert cached(path).cache == "miss"
        assert cached(path).cache == "hit"
    read(stories[0], 5, first=10)  # more reads, same order
    assert not ranking.refresh()
    commit()
    assert cached(url).cache == "hit" and cached("/").cache == "hit"
    read(stories[1], 9, first=20)  # story 1 overtakes story 0
    assert ranking.refresh()
    commit()
    for path in ("/", url):
        page = cached(path)
        assert page.cache == "miss"
        assert block(page.body) == ["Story 1", "Story 0"] == block(truth(path).body)


@pytest.mark.django_db
def test_an_unpublished_story_leaves_the_block_at_once(counting, stories):
    read(stories[0], 3)
    read(stories[1], 2)
    ranking.refresh()
    commit()
    assert block(cached("/").body) == ["Story 0", "Story 1"]
    factories.unpublish(stories[0])
    commit()
    assert block(cached("/").body) == ["Story 1"] == block(truth("/").body)
    # And the next refresh leaves it out of the ranking.
    assert ranking.refresh()
    assert list(RankedStory.objects.values_list("article_id", flat=True)) == [stories[1].pk]


@pytest.mark.django_db
def test_the_desk_shows_the_counts_per_story(client, counting, stories):
    read(stories[2], 4)
    read(stories[3], 1)
    ranking.refresh()
    assert client.get("/newsroom/most-read/").status_code == 302  # sign in first
    client.force_login(staff(Role.WRITER))
    response = client.get("/newsroom/most-read/")
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    rows = [
        [td.text_content().strip() for td in tr.cssselect("td")]
        for tr in tree.cssselect("table tr")[1:]
    ]
    assert rows == [["Story 2", "4", "4"], ["Story 3", "1", "1"]]
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    assert client.post("/newsroom/most-read/").status_code == 405


# The task worker closes its connections when done, as it does between tasks.
@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_the_ranking_in_batch(counting, stories):
    from django.core.management import call_command

    read(stories[4], 2)
    call_command("worker", batch=True, verbosity=0)
    assert list(RankedStory.objects.values_list("article_id", flat=True)) == [stories[4].pk]
