"""What a change touches: each finding of issue 9 ("Stale pages", "Over-invalidation")
reproduced through the door an editor uses, with pages read through the page cache as
readers get them and compared with what the page is now."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from PIL import Image

from dateline.core import clock
from dateline.news import body as body_format
from dateline.news import services
from dateline.news.tests import factories
from dateline.news.tests.admin_forms import delete, post_form
from dateline.news.tests.readers import cached, truth
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.services import picture_create_or_update


def jpeg(colour=(40, 90, 140)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 1000), colour).save(out, "JPEG", quality=60)
    return out.getvalue()


def run_on_commit():
    """pytest-django keeps each test in a transaction: run what waits for its commit
    (the page cache's bumps) now, as the commit would."""
    from django.db import transaction

    connection = transaction.get_connection()
    pending, connection.run_on_commit = connection.run_on_commit, []
    for _, callback, _ in pending:
        callback()


@pytest.fixture
def world(db):
    harbour = factories.section("Harbour")
    sport = factories.section("Sport")
    picture, _ = picture_create_or_update(
        data=jpeg(), filename="quay.jpg", caption="The north quay", credit="Harbour Photo"
    )
    author = services.author_get_or_create(name="Maya Okafor")
    tag = services.tag_get_or_create(name="Ferries")
    topic = services.topic_get_or_create(kind="place", name="Kelbridge")
    story = factories.article(
        headline="Quay reopens", section_obj=harbour, lead_picture=picture, slug="quay"
    )
    story.body = "<p>Work finished early.</p>" + body_format.picture_placeholder(picture.pk)
    factories.save(story, authors=[author], tags=[tag], topics=[topic])
    neighbour = factories.article(headline="Ferry strike ends", section_obj=harbour, slug="ferry")
    elsewhere = factories.article(headline="Rowing club wins", section_obj=sport, slug="rowing")
    run_on_commit()
    return {
        "harbour": harbour,
        "sport": sport,
        "picture": picture,
        "author": author,
        "tag": tag,
        "topic": topic,
        "story": story,
        "neighbour": neighbour,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def editor(client, db):
    client.force_login(staff(Role.EDITOR))
    return client


def warm(paths):
    for path in paths:
        first = cached(path)
        assert cached(path).cache == "hit" or first.status != 200, path


def assert_readers_see_the_truth(paths):
    """Every page read through the cache is what Django renders now."""
    seen = {path: cached(path) for path in paths}
    for path, reading in seen.items():
        assert reading.shown() == truth(path).shown(), f"{path} ({reading.cache}) is stale"
    return seen


STORY_PAGES = [
    "/story/quay/",
    "/story/quay.ninjs.json",
    "/section/harbour/",
    "/feeds/rss.xml",
    "/feeds/atom.xml",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"caption": "The north quay at dawn"}, {"credit": "Courier Staff"}],
    ids=["caption", "credit"],
)
def test_a_picture_changed_in_admin_reaches_every_cached_page_that_shows_it(world, editor, change):
    warm(STORY_PAGES)
    post_form(editor, f"/admin/pictures/picture/{world['picture'].pk}/change/", change)
    run_on_commit()
    seen = assert_readers_see_the_truth(STORY_PAGES)
    assert next(iter(change.values())) in seen["/story/quay/"].text


@pytest.mark.django_db
def test_a_new_focal_point_gives_cached_pages_the_new_crops(world, editor):
    warm(STORY_PAGES)
    crops = r"/media/r/\d+/[0-9a-f]+/\d+w-(?:16x9|3x2)\.jpg"
    old = set(re.findall(crops, cached("/story/quay/").text + cached("/section/harbour/").text))
    post_form(
        editor,
        f"/admin/pictures/picture/{world['picture'].pk}/change/",
        {"focal_x": "0.2", "focal_y": "0.3"},
    )
    run_on_commit()
    assert_readers_see_the_truth(STORY_PAGES)
    # Why it matters: crops of the old focal point are gone, so a stale page shows none.
    assert old and all(cached(url).status == 404 for url in old)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, admin, new_name",
    [
        ("author", "news/author", "Maya Okafor-Hale"),
        ("tag", "news/tag", "Ferry services"),
        ("topic", "news/topic", "Kelbridge Harbour"),
    ],
)
def test_a_renamed_author_tag_or_topic_reaches_cached_bylines_and_labels(
    world, editor, kind, admin, new_name
):
    pages = [*STORY_PAGES, world[kind].get_absolute_url()]
    warm(pages)
    post_form(editor, f"/admin/{admin}/{world[kind].pk}/change/", {"name": new_name})
    run_on_commit()
    seen = assert_readers_see_the_truth(pages)
    assert new_name in seen["/story/quay/"].text


def ninjs_item(**changes) -> str:
    item = {
        "uri": "urn:courier:7001",
        "type": "text",
        "headline": "Pier lights restored",
        "firstcreated": "2026-03-03T08:00:00Z",
        "versioncreated": "2026-03-03T08:00:00Z",
        "pubstatus": "usable",
        "body_html": "<p>The lights are back on the pier.</p>",
        "by": "Maya Okafor",
        "subjects": [{"name": "Harbour", "rel": "section"}, {"name": "Ferries"}],
        "places": [{"name": "Kelbridge"}],
    }
    return json.dumps(item | changes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label, dropped",
    [
        ("tag", {"subjects": [{"name": "Harbour", "rel": "section"}]}),
        ("topic", {"places": []}),
        ("author", {"by": ""}),
    ],
)
def test_a_story_leaves_the_listing_of_a_label_taken_off_it(world, tmp_path, label, dropped):
    item = tmp_path / "item.json"
    item.write_text(ninjs_item())
    call_command("import", "ninjs", str(item), stdout=io.StringIO())
    run_on_commit()
    listing = world[label].get_absolute_url()
    pages = [listing, listing + "rss.xml", "/story/pier-lights-restored/"]
    warm(pages)
    assert "Pier lights restored" in cached(listing).text
    item.write_text(ninjs_item(**dropped))
    call_command("import", "ninjs", str(item), stdout=io.StringIO())
    run_on_commit()
    seen = assert_readers_see_the_truth(pages)
    assert "Pier lights restored" not in seen[listing].text


@pytest.mark.django_db
def test_a_story_deleted_in_admin_leaves_latest_from_on_other_article_pages(world, editor):
    pages = ["/story/ferry/", "/", "/section/harbour/", "/sitemaps/articles.xml"]
    warm(pages)
    assert "Quay reopens" in cached("/story/ferry/").text
    delete(editor, f"/admin/news/article/{world['story'].pk}/delete/")
    run_on_commit()
    seen = assert_readers_see_the_truth(pages)
    assert "Quay reopens" not in seen["/story/ferry/"].text


@pytest.mark.django_db
def test_memos_live_no_longer_than_the_pages_made_from_them(world, settings):
    """A write that bumps nothing (a data fix in the shell) still reaches readers once the
    page's lifetime has passed: the memo under the page must not outlive it."""
    from dateline.news.models import Article

    noon = dt.datetime.combine(clock.now().date(), dt.time(12), tzinfo=dt.UTC)
    with time_machine.travel(noon, tick=False) as traveller:
        warm(["/story/ferry/"])
        Article.objects.filter(pk=world["story"].pk).delete()
        traveller.shift(settings.DATELINE_PAGE_CACHE_SECONDS + 1)
        assert "Quay reopens" not in cached("/story/ferry/").text


EVERY_PAGE = [
    "/",
    "/story/quay/",
    "/story/ferry/",
    "/story/rowing/",
    "/section/harbour/",
    "/section/sport/",
    "/tag/ferries/",
    "/topic/place/kelbridge/",
    "/author/maya-okafor/",
    "/feeds/rss.xml",
    "/feeds/atom.xml",
    "/section/harbour/rss.xml",
    "/sitemap.xml",
    "/sitemaps/articles.xml",
    "/sitemaps/sections.xml",
    "/sitemaps/news.xml",
    "/story/quay.ninjs.json",
]


def assert_all_hits(paths):
    seen = assert_readers_see_the_truth(paths)
    missed = [path for path, reading in seen.items() if reading.cache != "hit"]
    assert not missed, f"made cold by a change nobody can see: {missed}"


@pytest.mark.django_db
def test_a_draft_saved_in_admin_leaves_every_public_page_a_hit(world, editor):
    warm(EVERY_PAGE)
    post_form(
        editor,
        "/admin/news/article/add/",
        {
            "headline": "Lock gates to be replaced",
            "slug": "lock-gates",
            "body": "<p>Not ready yet.</p>",
            "section": world["harbour"].pk,
            "tags": [world["tag"].pk],
            "authors": [world["author"].pk],
        },
    )
    draft = services.Article.objects.get(slug="lock-gates")
    post_form(editor, f"/admin/news/article/{draft.pk}/change/", {"headline": "Lock gates go"})
    run_on_commit()
    assert_all_hits(EVERY_PAGE)


WIRE_DRAFTS = """[
 {"uri": "urn:eastwire:9001", "type": "text", "headline": "Night buses return",
  "versioncreated": "2026-03-03T09:30:00Z", "body_html": "<p>From May.</p>", "by": "Jon Alder",
  "subject": [{"name": "Ferries"}]}
]"""


@pytest.mark.django_db
def test_wire_copy_landing_as_drafts_leaves_every_public_page_a_hit(world, tmp_path: Path):
    from dateline.ingest.models import WireSource

    (tmp_path / "items.json").write_text(WIRE_DRAFTS)
    WireSource.objects.create(
        name="Eastwire",
        kind="folder",
        location=str(tmp_path),
        format="ninjs",
        default_section=world["harbour"],
    )
    warm(EVERY_PAGE)
    call_command("ingest", "--source", "Eastwire", stdout=io.StringIO())
    run_on_commit()
    assert services.Article.objects.filter(source_id="urn:eastwire:9001", status="draft").exists()
    assert_all_hits(EVERY_PAGE)


# The rules themselves, on states written out by hand.


def state(**changes):
    from dateline.news.touches import SHOWN_FIELDS, StoryState

    fields = dict.fromkeys(SHOWN_FIELDS, "") | changes.pop("fields", {})
    at = dt.datetime(2031, 3, 12, 9, 0, tzinfo=dt.UTC)
    base = dict(
        pk=7, visible=True, scheduled=False, published_at=at, section_id=3, fields=fields,
        tags=frozenset({4}), topics=frozenset(), authors=frozenset({5}), lists=frozenset(),
    )  # fmt: skip
    return StoryState(**(base | changes))


DRAFT = {"visible": False, "published_at": None}


def test_a_draft_touches_no_public_page_whatever_it_changes():
    from dateline.news.touches import story_touches

    assert story_touches(None, state(**DRAFT)) == set()
    moved = state(**DRAFT, section_id=9, tags=frozenset({1}), fields={"headline": "New"})
    assert story_touches(state(**DRAFT), moved) == set()
    assert story_touches(state(**DRAFT), None) == set()


def test_a_save_that_changes_nothing_readers_see_touches_nothing():
    from dateline.news.touches import story_touches

    assert story_touches(state(), state()) == set()


def test_a_body_edit_reaches_only_pages_that_show_the_story_whole():
    from dateline.news.touches import story_touches

    assert story_touches(state(), state(fields={"body": "<p>More.</p>"})) == {"article:7"}


def test_a_headline_edit_reaches_teasers_links_lists_and_the_news_sitemap():
    from dateline.news.touches import story_touches

    before, after = state(lists=frozenset({"dont-miss"})), None
    after = state(lists=frozenset({"dont-miss"}), fields={"headline": "New"})
    assert story_touches(before, after) == {
        "article:7",
        "article:7:teaser",
        "article:7:link",
        "list:dont-miss",
        "sitemap:news",
    }


def test_labels_taken_off_a_story_are_known_from_the_state_before():
    from dateline.news.touches import story_touches

    touched = story_touches(state(), state(tags=frozenset(), authors=frozenset({6})))
    assert {"stories:tag:4", "stories:author:5", "stories:author:6"} <= touched
    assert "stories" not in touched  # the site's list is the same


def test_publishing_and_deleting_reach_every_list_the_story_is_in():
    from dateline.news.touches import story_touches

    everywhere = {
        "article:7",
        "article:7:teaser",
        "article:7:link",
        "stories",
        "stories:section:3",
        "stories:tag:4",
        "stories:author:5",
        "sitemap:index",
        "sitemap:stories:0",
        "sitemap:news",
        "sitemap:sections",
        "sitemap:authors",
    }
    assert story_touches(state(**DRAFT), state()) == everywhere
    assert story_touches(state(), None) == everywhere


def test_a_scheduled_story_refreshes_now_the_pages_that_will_list_it_at_its_time():
    from dateline.news.touches import story_touches

    at = dt.datetime(2031, 3, 12, 15, 0, tzinfo=dt.UTC)
    scheduled = state(visible=False, scheduled=True, published_at=at)
    touched = story_touches(state(**DRAFT), scheduled)
    assert {"schedule", "stories", "stories:section:3"} <= touched
    # An edit at the same time, in the same lists: those pages already expire then.
    edited = state(visible=False, scheduled=True, published_at=at, fields={"headline": "New"})
    assert story_touches(scheduled, edited) == set()
    later = state(visible=False, scheduled=True, published_at=at + dt.timedelta(hours=1))
    assert {"schedule", "stories"} <= story_touches(scheduled, later)
    assert story_touches(scheduled, state(**DRAFT)) == {"schedule"}


@pytest.mark.django_db
def test_an_admin_save_keeps_the_instant_its_form_shows_to_the_second(world, editor):
    """Else every save of a published story would move it in time by the microseconds
    the form dropped, and refresh every page that lists it."""
    from dateline.news.models import Article

    stored = Article.objects.get(pk=world["story"].pk).published_at
    assert stored.microsecond  # published by the factories at clock.now()
    post_form(
        editor,
        f"/admin/news/article/{world['story'].pk}/change/",
        {"headline": "Q", "change_kind": "typo"},
    )
    assert Article.objects.get(pk=world["story"].pk).published_at == stored


@pytest.mark.django_db
def test_an_old_address_answers_with_its_tags_and_refreshes_only_when_it_changes(
    world, monkeypatch
):
    asked: list[set[str]] = []
    monkeypatch.setattr(services, "invalidate", lambda tags: asked.append(set(tags)))
    services.redirects_point(article=world["story"], old_paths=["/2024/06/quay/"])
    services.redirects_point(article=world["story"], old_paths=["/2024/06/quay/"])
    services.redirects_point(article=world["neighbour"], old_paths=["/2024/06/quay/"])
    assert asked == [{"redirects"}, {"redirects"}]
    from django.test import Client

    response = Client().get("/2024/06/quay/")
    assert response.status_code == 301 and response["Location"] == "/story/ferry/"
    assert set(response.dateline_cache[0]) == {"redirects", f"article:{world['neighbour'].pk}:link"}
