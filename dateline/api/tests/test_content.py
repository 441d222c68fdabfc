"""The content API: only visible stories, keyset pages, filters, one story whole, labels and
curated lists, conditional GETs, and kept answers that always equal fresh ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.core import clock
from dateline.news import services
from dateline.news.tests import factories
from dateline.pagecache import memo
from dateline.pagecache.tests.client import Counting, commit, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.wsgi import PageCacheApp

pytestmark = pytest.mark.django_db


def _json(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


@pytest.fixture
def site():
    news = factories.section("Harbour")
    sport = factories.section("Sport")
    tag = services.tag_get_or_create(name="Ferries")
    author = services.author_get_or_create(name="Ana Reed")
    now = clock.now()
    stories = [
        factories.article(
            headline=f"Harbour story {i}",
            section_obj=news if i % 2 else sport,
            published_at=now - dt.timedelta(hours=i + 1),
        )
        for i in range(7)
    ]
    factories.save(stories[1], tags=[tag], authors=[author])
    draft = factories.article(headline="A draft nobody sees", publish=False)
    scheduled = factories.article(
        headline="Tomorrow's story", published_at=now + dt.timedelta(days=1)
    )
    return {
        "news": news,
        "sport": sport,
        "tag": tag,
        "author": author,
        "stories": stories,
        "draft": draft,
        "scheduled": scheduled,
    }


def test_stories_list_shows_only_visible_stories_newest_first(client, site):
    data = _json(client, "/api/v1/stories")
    ids = [item["id"] for item in data["items"]]
    assert ids == [s.pk for s in site["stories"]]
    assert site["draft"].pk not in ids and site["scheduled"].pk not in ids
    assert data["next_cursor"] is None


def test_cursor_pages_cover_every_story_once(client, site):
    seen, url = [], "/api/v1/stories?limit=3"
    while True:
        data = _json(client, url)
        seen += [item["id"] for item in data["items"]]
        if not data["next_cursor"]:
            break
        url = f"/api/v1/stories?limit=3&cursor={data['next_cursor']}"
    assert seen == [s.pk for s in site["stories"]]


def test_stories_with_the_same_time_are_paged_by_id(client, db):
    at = clock.now() - dt.timedelta(hours=1)
    same = [factories.article(published_at=at) for _ in range(5)]
    seen, url = [], "/api/v1/stories?limit=2"
    while url:
        data = _json(client, url)
        seen += [item["id"] for item in data["items"]]
        url = data["next_cursor"] and f"/api/v1/stories?limit=2&cursor={data['next_cursor']}"
    assert seen == sorted((s.pk for s in same), reverse=True)


def test_a_forged_cursor_is_refused(client, site):
    response = client.get("/api/v1/stories?cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_filters_by_section_tag_author_and_time(client, site):
    news_ids = {s.pk for s in site["stories"] if s.section_id == site["news"].pk}
    data = _json(client, "/api/v1/stories?section=harbour")
    assert {i["id"] for i in data["items"]} == news_ids
    assert [i["id"] for i in _json(client, "/api/v1/stories?tag=ferries")["items"]] == [
        site["stories"][1].pk
    ]
    assert [i["id"] for i in _json(client, "/api/v1/stories?author=ana-reed")["items"]] == [
        site["stories"][1].pk
    ]
    since = (clock.now() - dt.timedelta(hours=2, minutes=30)).isoformat()
    data = _json(client, "/api/v1/stories", data={"since": since})
    assert [i["id"] for i in data["items"]] == [s.pk for s in site["stories"][:2]]
    assert client.get("/api/v1/stories?section=nowhere").status_code == 404


def _ids(client, url, **extra) -> list[int]:
    return [item["id"] for item in _json(client, url, **extra)["items"]]


@pytest.fixture
def ferries(site):
    now = clock.now()
    crossing = factories.article(
        headline="The night ferry crosses again",
        section_obj=site["news"],
        published_at=now - dt.timedelta(minutes=30),
    )
    sport_crossing = factories.article(
        headline="Rowers race the ferry",
        section_obj=site["sport"],
        published_at=now - dt.timedelta(minutes=40),
    )
    body_only = factories.article(
        headline="Timetables change",
        body="<p>Two ferries a day from June.</p>",
        section_obj=site["news"],
        published_at=now - dt.timedelta(days=3),
    )
    draft = factories.article(headline="Ferry strike drafted", publish=False)
    scheduled = factories.article(
        headline="Ferry strike tomorrow", published_at=now + dt.timedelta(days=1)
    )
    return {
        "crossing": crossing,
        "sport_crossing": sport_crossing,
        "body_only": body_only,
        "draft": draft,
        "scheduled": scheduled,
    }


def test_q_finds_stories_by_a_stemmed_word_newest_first(client, site, ferries):
    # "ferries" is stemmed like "ferry" in a headline; a body's words and a tag count too.
    expected = [
        ferries["crossing"].pk,
        ferries["sport_crossing"].pk,
        site["stories"][1].pk,  # tagged Ferries
        ferries["body_only"].pk,
    ]
    assert _ids(client, "/api/v1/stories", data={"q": "ferries"}) == expected
    assert _ids(client, "/api/v1/stories", data={"q": "ferry"}) == expected
    assert _ids(client, "/api/v1/stories", data={"q": '"night ferry"'}) == [ferries["crossing"].pk]
    assert _ids(client, "/api/v1/stories", data={"q": "ferry -rowers"}) == [
        pk for pk in expected if pk != ferries["sport_crossing"].pk
    ]
    assert _ids(client, "/api/v1/stories", data={"q": "submarine"}) == []


def test_q_never_finds_a_draft_or_a_scheduled_story(client, ferries):
    found = _ids(client, "/api/v1/stories", data={"q": "strike"})
    assert found == []
    found = _ids(client, "/api/v1/stories", data={"q": "ferry"})
    assert ferries["draft"].pk not in found and ferries["scheduled"].pk not in found
    assert ferries["crossing"].pk in found


def test_q_combines_with_a_section_filter_and_pages_by_cursor(client, site, ferries):
    assert _ids(client, "/api/v1/stories", data={"q": "ferry", "section": "harbour"}) == [
        ferries["crossing"].pk,
        site["stories"][1].pk,  # tagged Ferries, in Harbour
        ferries["body_only"].pk,
    ]
    assert _ids(client, "/api/v1/stories", data={"q": "ferry", "section": "sport"}) == [
        ferries["sport_crossing"].pk
    ]
    first = _json(client, "/api/v1/stories", data={"q": "ferry", "limit": 2})
    assert [i["id"] for i in first["items"]] == [
        ferries["crossing"].pk,
        ferries["sport_crossing"].pk,
    ]
    rest = _ids(
        client, "/api/v1/stories", data={"q": "ferry", "limit": 2, "cursor": first["next_cursor"]}
    )
    assert rest == [site["stories"][1].pk, ferries["body_only"].pk]


def test_q_pages_newest_first_across_years_with_a_label_filter(client, site):
    # Matches a day, weeks, a year and more apart (on PostgreSQL each in another of the
    # windows the API's search reads in turn), some with the tag and author, some without.
    now = clock.now()
    tagged, untagged = [], []
    for n, days in enumerate([0.5, 1.5, 20, 200, 400, 3000, 3000]):
        story = factories.article(
            headline=f"Lighthouse keeper {n}", published_at=now - dt.timedelta(days=days)
        )
        if n % 2 == 0:
            factories.save(story, tags=[site["tag"]], authors=[site["author"]])
            tagged.append(story.pk)
        else:
            untagged.append(story.pk)

    def pages(**filters):
        seen, cursor = [], None
        while True:
            data = {"q": "lighthouse", "limit": 2, **filters}
            page = _json(
                client, "/api/v1/stories", data={**data, **({"cursor": cursor} if cursor else {})}
            )
            seen += [i["id"] for i in page["items"]]
            if not (cursor := page["next_cursor"]):
                return seen

    def newest_first(ids):
        from dateline.news.models import Article

        stories = Article.objects.filter(pk__in=ids).order_by("-published_at", "-pk")
        return list(stories.values_list("pk", flat=True))

    assert pages() == newest_first(tagged + untagged)
    assert pages(tag="ferries") == newest_first(tagged)
    assert pages(author="ana-reed", tag="ferries") == newest_first(tagged)
    until = (now - dt.timedelta(days=10)).isoformat()
    assert pages(until=until) == newest_first(tagged + untagged)[2:]


def test_q_without_a_word_to_look_for_finds_nothing(client, ferries):
    data = _json(client, "/api/v1/stories", data={"q": "?! -ferry"})
    assert data == {"items": [], "next_cursor": None}


def test_a_search_answer_is_not_kept(client, site, ferries, cached):
    commit()
    response = client.get("/api/v1/stories", data={"q": "ferry"})
    assert response["Cache-Control"] == "no-store"
    _, h1, _ = get(cached, "/api/v1/stories", QUERY_STRING="q=ferry")
    _, h2, _ = get(cached, "/api/v1/stories", QUERY_STRING="q=ferry")
    assert cached.app.calls == 2 and h2.get("X-Cache") != "hit"


def test_times_carry_their_offset(client, site):
    item = _json(client, "/api/v1/stories")["items"][0]
    parsed = dt.datetime.fromisoformat(item["published_at"])
    assert parsed.tzinfo is not None


def test_one_story_by_id_and_by_slug_has_html_and_ninjs(client, site):
    story = site["stories"][1]
    by_id = _json(client, f"/api/v1/stories/{story.pk}")
    by_slug = _json(client, f"/api/v1/stories/slug/{story.slug}")
    assert by_id == by_slug
    assert by_id["headline"] == story.headline
    assert "<p>" in by_id["body_html"]
    assert by_id["ninjs"]["standard"]["name"] == "ninjs"
    assert [a["name"] for a in by_id["authors"]] == ["Ana Reed"]
    assert [t["slug"] for t in by_id["tags"]] == ["ferries"]


def test_drafts_and_scheduled_stories_are_not_found(client, site):
    for article in (site["draft"], site["scheduled"]):
        assert client.get(f"/api/v1/stories/{article.pk}").status_code == 404
        assert client.get(f"/api/v1/stories/slug/{article.slug}").status_code == 404


def test_labels_and_lists(client, site):
    sections = _json(client, "/api/v1/sections")["items"]
    assert {s["slug"] for s in sections} == {"harbour", "sport"}
    assert _json(client, "/api/v1/tags")["items"][0]["name"] == "Ferries"
    assert _json(client, "/api/v1/authors")["items"][0]["slug"] == "ana-reed"
    factories.curate("dont-miss", [site["stories"][3], site["stories"][2]])
    data = _json(client, "/api/v1/lists/dont-miss")
    assert [i["id"] for i in data["items"]] == [site["stories"][3].pk, site["stories"][2].pk]
    front = _json(client, "/api/v1/front")
    assert front["lead"] is not None
    assert client.get("/api/v1/lists/nothing").status_code == 404


def test_conditional_get_answers_304(client, site):
    response = client.get("/api/v1/stories")
    again = client.get("/api/v1/stories", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


# Query counts: constant whatever the number of stories (warm: settings memoised).
LIST_QUERIES = 1
LIST_QUERIES_PER_FILTER = 1
STORY_QUERIES = 6  # story, section with it; authors, tags, topics; pictures
LABEL_QUERIES = 1
CURATED_QUERIES = 1
# Warm, none: the front page's lists are the process's memos, each kept until its own list
# or one of its teasers changes (news/tests/test_query_counts.py pins the cold count).
FRONT_QUERIES = 0


def _count(client, url: str) -> int:
    client.get(url)  # warm the process's memos (settings, next scheduled time)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [4, 40])
def test_query_counts_do_not_grow_with_stories(client, n):
    news = factories.section("Harbour")
    factories.section("Sport")
    tag = services.tag_get_or_create(name="Ferries")
    from dateline.pictures.models import Picture

    picture = Picture.objects.create(file="pictures/x.jpg", width=10, height=10)
    stories = [factories.article(section_obj=news, lead_picture=picture) for _ in range(n)]
    factories.save(stories[0], tags=[tag])
    factories.curate("dont-miss", stories[:3])
    assert _count(client, "/api/v1/stories") == LIST_QUERIES
    assert _count(client, "/api/v1/stories?limit=2") == LIST_QUERIES
    cursor = _json(client, "/api/v1/stories?limit=2")["next_cursor"]
    assert _count(client, f"/api/v1/stories?limit=2&cursor={cursor}") == LIST_QUERIES
    assert (
        _count(client, "/api/v1/stories?section=harbour&tag=ferries")
        == LIST_QUERIES + 2 * LIST_QUERIES_PER_FILTER
    )
    # A search is a subquery of the list's one query, whatever the number of matches.
    assert _count(client, "/api/v1/stories?q=story&limit=2") == LIST_QUERIES
    cursor = _json(client, "/api/v1/stories?q=story&limit=2")["next_cursor"]
    assert cursor
    assert _count(client, f"/api/v1/stories?q=story&limit=2&cursor={cursor}") == LIST_QUERIES
    assert (
        _count(client, "/api/v1/stories?q=story&section=harbour")
        == LIST_QUERIES + LIST_QUERIES_PER_FILTER
    )
    assert _count(client, f"/api/v1/stories/{stories[0].pk}") == STORY_QUERIES
    for kind in ("sections", "authors", "tags", "topics"):
        assert _count(client, f"/api/v1/{kind}") == LABEL_QUERIES
    assert _count(client, "/api/v1/lists/dont-miss") == CURATED_QUERIES
    assert _count(client, "/api/v1/front") == FRONT_QUERIES


# Cache truth: through the page cache, an answer after a change equals a fresh one.


@pytest.fixture
def cached():
    return PageCacheApp(Counting())


def _fresh(path, query=""):
    # Django itself, no page cache, nothing memoised: what a first reader would get.
    memo.clear()
    status, _, body = get(Counting(), path, QUERY_STRING=query)
    assert status.startswith("200"), (path, body[:200])
    return json.loads(body)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/stories",
        "/api/v1/stories?section=harbour",
        "/api/v1/stories?tag=ferries",
        "/api/v1/front",
        "/api/v1/lists/dont-miss",
        "/api/v1/sections",
        "/api/v1/tags",
        "/api/v1/authors",
    ],
)
def test_kept_answers_equal_fresh_ones_after_changes(site, cached, url):
    factories.curate("dont-miss", [site["stories"][2]])
    commit()
    path, _, query = url.partition("?")
    target = site["stories"][1]
    detail = f"/api/v1/stories/{target.pk}"

    def check():
        commit()
        for u, q in ((path, query), (detail, "")):
            status, headers, body = get(cached, u, QUERY_STRING=q)
            status2, _, body2 = get(cached, u, QUERY_STRING=q)
            assert headers.get("Content-Type", "").startswith("application/json")
            assert json.loads(body2) == _fresh(u, q)

    check()
    target.headline = "Renamed story"
    factories.save(target)
    check()
    services.tag_get_or_create(name="Brand new tag")
    check()
    site["news"].name = "Harbour & Quay"
    services.label_save(label=site["news"])
    check()
    factories.curate("dont-miss", [site["stories"][1], site["stories"][4]])
    check()
    factories.unpublish(site["stories"][0])
    check()
    factories.publish(site["draft"])
    check()


def test_a_hit_answers_without_entering_django(site, cached):
    commit()
    _, h1, b1 = get(cached, "/api/v1/stories")
    _, h2, b2 = get(cached, "/api/v1/stories")
    assert h1["X-Cache"] == "miss" and h2["X-Cache"] == "hit" and b1 == b2
    assert cached.app.calls == 1
    status, _, _ = get(cached, "/api/v1/stories", HTTP_IF_NONE_MATCH=h2["ETag"])
    assert status.startswith("304")


def test_the_openapi_document_and_its_reference_page(client):
    schema = _json(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/stories" in schema["paths"]
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    # Served from our own static files, no CDN; the CSP lets exactly those run.
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html and "cdn" not in html.lower()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "unsafe-eval" not in csp
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")


def test_pages_are_read_by_keyset_without_count_or_offset(client, site):
    cursor = _json(client, "/api/v1/stories?limit=2")["next_cursor"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/api/v1/stories?limit=2&cursor={cursor}").status_code == 200
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "OFFSET" not in sql and "COUNT(" not in sql
    assert "LIMIT 3" in sql  # one more than the page, to know whether another follows
