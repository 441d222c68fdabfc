"""Signed previews (news/preview.py): a story as readers will see it before it is live, by
an address that expires, is bound to the story's version, is never kept by any cache and
never indexed; a guessed or altered token is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from dateline.news import services
from dateline.news.preview import SALT, preview_seconds, preview_token, preview_url
from dateline.news.tests import factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pagecache.tests.client import Counting, commit, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.wsgi import PageCacheApp

pytestmark = pytest.mark.django_db


def _draft(**fields):
    return factories.article(
        publish=False,
        headline="Late ferry survives the winter",
        section_obj=factories.section("Harbour"),
        social_headline="Late ferry saved",
        **fields,
    )


def test_a_draft_previews_with_the_public_template_noindex_and_never_kept(client):
    story = _draft()
    response = client.get(preview_url(story))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Late ferry survives the winter</h1>" in page  # the public article template
    assert '<p class="kicker"><a href="/section/harbour/">Harbour</a></p>' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    # The social headline is in the title and the cards; the standfirst stands in for the
    # description that was left empty.
    assert "<title>Late ferry saved – " in page
    assert '<meta property="og:title" content="Late ferry saved">' in page
    assert '<meta property="og:description" content="A standfirst for the story.">' in page
    # Still a draft: its public address answers 404.
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_preview_sends_no_read_beacon(client):
    """A preview is not a read, and the story is not out: the beacon would count the person
    checking it, and its answer (404, the story is not public) is an error in the
    browser's console (Lighthouse's best practices)."""
    story = _draft()
    page = client.get(preview_url(story)).content.decode()
    assert "sendBeacon" not in page
    assert f'data-story="{story.pk}"' not in page
    published = factories.article(headline="Out already")
    assert "sendBeacon" in client.get(published.get_absolute_url()).content.decode()


def test_a_preview_is_never_served_from_the_page_cache():
    story = _draft()
    commit()
    django = Counting()
    cached = PageCacheApp(django)
    url = preview_url(story)
    for _ in range(3):
        status, headers, body = get(cached, url)
        assert status.startswith("200") and "Late ferry survives the winter" in body
        assert "X-Cache" not in headers and headers["Cache-Control"] == "private, no-store"
    assert django.calls == 3
    # A public page beside it is kept, so the cache was on.
    live = factories.article(headline="Live one")
    commit()
    get(cached, live.get_absolute_url())
    _, headers, _ = get(cached, live.get_absolute_url())
    assert headers["X-Cache"] == "hit"


def test_a_preview_expires():
    story = _draft()
    url = preview_url(story)
    from django.test import Client

    client = Client()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=preview_seconds() - 60)
    with time_machine.travel(later, tick=False):
        assert client.get(url).status_code == 200
    expired = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=preview_seconds() + 1)
    with time_machine.travel(expired, tick=False):
        response = client.get(url)
    assert response.status_code == 404
    assert "This preview has expired" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_guessed_or_altered_token_is_refused(client):
    story = _draft()
    other = _draft(slug="another-draft")
    token = preview_token(article_id=story.pk, version=story.version)
    payload, stamp, signature = token.rsplit(":", 2)
    forged = [
        "x",
        "guess",
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature changed
        # Another story's id with this story's signature.
        signing.dumps({"a": other.pk, "v": other.version}, salt=SALT).rsplit(":", 2)[0]
        + f":{stamp}:{signature}",
        # Signed with another salt (as another part of the site might sign things).
        signing.dumps({"a": story.pk, "v": story.version}, salt="something-else"),
        # Signed with another key.
        signing.dumps({"a": story.pk, "v": story.version}, salt=SALT, key="not-our-key"),
        # Our signature, but not a story and version.
        signing.dumps([story.pk], salt=SALT),
        signing.dumps({"a": "1 OR 1=1", "v": 0}, salt=SALT),
    ]
    for token in forged:
        response = client.get(reverse("news:preview", kwargs={"token": token}))
        assert response.status_code == 404, token
        assert "Late ferry" not in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"


def test_a_preview_of_an_older_version_is_refused_after_a_save(client):
    story = _draft()
    url = preview_url(story)
    story.headline = "A newer headline"
    services.article_save(article=story)
    response = client.get(url)
    assert response.status_code == 410
    assert "older version" in response.content.decode()
    assert "A newer headline" in client.get(preview_url(story)).content.decode()


def test_the_desk_makes_a_fresh_preview_address(client):
    story = _draft()
    client.force_login(staff(Role.WRITER))
    page = client.get(reverse("newsroom:story_preview", kwargs={"pk": story.pk})).content.decode()
    url = re.search(r'<a href="(/preview/[^"]+/)">Open the preview</a>', page).group(1)
    response = client.get(url)
    assert (
        response.status_code == 200
        and "Late ferry survives the winter" in response.content.decode()
    )


def test_the_public_page_uses_the_social_words_and_falls_back_to_the_story(client):
    story = factories.article(headline="Plain headline", standfirst="Plain standfirst.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Plain headline – " in page
    assert '<meta name="description" content="Plain standfirst.">' in page
    assert '<meta property="og:title" content="Plain headline">' in page
    assert 'name="robots"' not in page
    story.social_headline = "Search headline"
    story.social_description = "Search description."
    factories.save(story)
    commit()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Search headline – " in page
    assert '<meta name="description" content="Search description.">' in page
    assert '<meta property="og:title" content="Search headline">' in page
    assert '<meta name="twitter:description" content="Search description.">' in page
    assert "<h1>Plain headline</h1>" in page


@pytest.mark.parametrize("size", [1, 4])
def test_a_preview_reads_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    story = _draft()
    factories.save(
        story,
        authors=[services.author_get_or_create(name=f"Author {i}") for i in range(size)],
        tags=[services.tag_get_or_create(name=f"Tag {i}") for i in range(size)],
    )
    url = preview_url(story)
    client.get(url)  # the site's memos (navigation, Don't Miss) are warm, as on any page
    # The version check, the story, its labels, its neighbours; never a memo kept for it.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
