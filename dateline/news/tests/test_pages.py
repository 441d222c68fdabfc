"""Public pages other than the seed article: front, listings, errors, permissions."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from dateline.core import clock
from dateline.news import services
from dateline.news.models import Publication, Topic
from dateline.news.tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/nope/",
        "/story/missing/",
        "/section/none/",
        "/tag/x/",
        "/topic/person/nobody/",
        "/author/nobody/",
        "/story/%ff/",
        "/section/x/?page=abc",
        "/media/../../etc/passwd",
        "/media/pictures/missing.jpg",
    ],
)
def test_unknown_urls_get_the_helpful_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"We can't find that page" in response.content or url.startswith("/section/x")


@pytest.mark.django_db
def test_public_pages_refuse_writes(client):
    a = factories.article()
    for url in ("/", a.get_absolute_url()):
        assert client.post(url).status_code == 405
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
        assert client.head(url).status_code == 200


@pytest.mark.django_db
def test_section_pages_are_paginated_newest_first(client):
    desk = factories.section("Courts")
    now = clock.now()
    stories = [
        factories.article(
            section_obj=desk, headline=f"Verdict {i:02d}", published_at=now - dt.timedelta(hours=i)
        )
        for i in range(25)
    ]
    page1 = client.get(desk.get_absolute_url()).content.decode()
    older = re.search(r'<a rel="next" href="([^"]+)"', page1).group(1)
    page2 = client.get(desk.get_absolute_url() + unescape(older)).content.decode()
    assert "Verdict 00" in page1 and "Verdict 19" in page1 and "Verdict 20" not in page1
    assert "Verdict 20" in page2 and "Verdict 24" in page2 and 'rel="next"' not in page2
    assert page1.index("Verdict 00") < page1.index("Verdict 01")
    assert 'rel="prev"' not in page1 and 'rel="prev" href="?newer=' in page2
    assert len(stories) == 25


@pytest.mark.django_db
def test_old_numbered_listing_pages_redirect_or_are_gone(client):
    desk = factories.section("Courts")
    factories.article(section_obj=desk, headline="Verdict")
    first = client.get(desk.get_absolute_url() + "?page=1")
    assert first.status_code == 301 and first["Location"] == desk.get_absolute_url()
    assert client.get(desk.get_absolute_url() + "?page=2").status_code == 404
    assert client.get(desk.get_absolute_url() + "?page=abc").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["older=x", "older=12", "older=-5-3", "newer=99999999999999999999-1"]
)
def test_malformed_listing_cursors_are_not_found(client, cursor):
    desk = factories.section("Courts")
    factories.article(section_obj=desk, headline="Verdict")
    assert client.get(f"{desk.get_absolute_url()}?{cursor}").status_code == 404


@pytest.mark.django_db
def test_front_page_shows_no_story_twice(client):
    desk = factories.section("Harbour")
    stories = [
        factories.article(section_obj=desk, headline=f"Harbour item {i:02d}") for i in range(12)
    ]
    factories.curate("dont-miss", [stories[0], stories[5]])
    html = client.get("/").content.decode()
    assert html.count(">Harbour item 00<") == 1 and html.count(">Harbour item 05<") == 1
    for i in range(12):
        assert html.count(f">Harbour item {i:02d}<") <= 1


@pytest.mark.django_db
def test_topic_tag_and_author_pages_list_their_stories(client):
    a = factories.article(headline="Mayor opens the bridge")
    person = services.topic_get_or_create(kind=Topic.Kind.PERSON, name="Ada Mayor")
    tag = services.tag_get_or_create(name="Bridges")
    author = services.author_get_or_create(name="Jo Reporter")
    factories.save(a, topics=[person], tags=[tag], authors=[author])
    for url in (person.get_absolute_url(), tag.get_absolute_url(), author.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "Mayor opens the bridge" in response.content.decode()


@pytest.mark.django_db
def test_dates_follow_the_publication_time_zone(client):
    publication = Publication.load()
    services.publication_update(publication=publication, time_zone="Asia/Kolkata")
    # 20:00 UTC on 1 July is 01:30 on 2 July in India.
    a = factories.article(published_at=dt.datetime(2024, 7, 1, 20, 0, tzinfo=dt.UTC))
    html = client.get(a.get_absolute_url()).content.decode()
    assert ">2 July 2024</time>" in html
    assert 'datetime="2024-07-02T01:30:00+05:30"' in html


@pytest.mark.django_db
def test_draft_is_not_public(client):
    a = factories.article(publish=False)
    assert client.get(a.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_formatted_urls_match_the_routes():
    from django.urls import reverse

    a = factories.article(headline="Militärövning i Skåne")
    s = factories.section("Inrikes nyheter")
    assert a.get_absolute_url() == reverse("news:article", args=[a.slug])
    assert s.get_absolute_url() == reverse("news:section", args=[s.slug])
    tag = services.tag_get_or_create(name="Ståhl & Co")
    person = services.topic_get_or_create(kind=Topic.Kind.PERSON, name="Åsa Öberg")
    author = services.author_get_or_create(name="Zoë Ünal")
    assert tag.get_absolute_url() == reverse("news:tag", args=[tag.slug])
    assert person.get_absolute_url() == reverse("news:topic", args=[person.kind, person.slug])
    assert author.get_absolute_url() == reverse("news:author", args=[author.slug])


@pytest.mark.django_db
def test_server_error_shows_the_500_page(client, monkeypatch):
    from dateline.news import selectors

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "front_page", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"database went away" not in response.content


@pytest.mark.django_db
def test_pages_carry_an_absolute_canonical_url(client, settings):
    a = factories.article(headline="Canonical story")
    html = client.get(a.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{a.get_absolute_url()}">' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_lead_picture_shows_above_the_body_unless_the_body_carries_it(client):
    from dateline.news import body as body_format
    from dateline.pictures.models import Picture

    lead = Picture.objects.create(
        file="pictures/lead.jpg", width=1200, height=800, caption="The quay", credit="Desk"
    )
    a = factories.article(headline="With lead", lead_picture=lead)
    html = client.get(a.get_absolute_url()).content.decode()
    assert 'class="picture lead"' in html and "Pic credits Desk" in html
    a.body = "<p>x</p>" + body_format.picture_placeholder(lead.pk)
    factories.save(a)
    html = client.get(a.get_absolute_url()).content.decode()
    assert 'class="picture lead"' not in html and html.count("Pic credits Desk") == 1


@pytest.mark.django_db
def test_front_page_slots_pinned_by_editors_beat_automatic_fill(client):
    desk = factories.section("Harbour")
    stories = [
        factories.article(section_obj=desk, headline=f"Slot story {i:02d}") for i in range(10)
    ]
    factories.curate("lead", [stories[9]])
    factories.curate("top", [stories[8], stories[7]])
    html = client.get("/").content.decode()
    lead = html.index('class="lead-story"')
    top = html.index('class="teasers top"')
    assert lead < html.index(">Slot story 09<") < top  # the oldest story, pinned as lead
    assert top < html.index(">Slot story 08<") < html.index(">Slot story 07<")
    assert html.index(">Slot story 07<") < html.index(">Slot story 00<")
    for i in range(10):
        assert html.count(f">Slot story {i:02d}<") <= 1
