"""A live story's page, the fragment its open pages poll and its live feeds."""

from __future__ import annotations

import json

import extruct
import feedparser
import pytest
from lxml import html as lxml_html

from dateline.live.tests.factories import go_live, post
from dateline.news.tests import factories
from dateline.news.tests.readers import cached

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    story = factories.article(
        headline="Storm reaches the coast", section_obj=factories.section("Harbour")
    )
    go_live(story)
    return story


def _entries(page_html: str) -> list[str]:
    tree = lxml_html.fromstring(page_html)
    return [e.get("id") for e in tree.cssselect("section.live article.live-entry")]


def test_entries_show_newest_first_with_the_pinned_one_on_top(client, story):
    first = post(story, "The first gusts arrive.")
    pinned = post(story, "Stay indoors tonight, the council says.", pinned=True)
    newest = post(story, "Trees down on the quay road.", title="Quay road shut", key_event=True)
    page = client.get(story.get_absolute_url()).content.decode()
    assert _entries(page) == [f"entry-{pinned.pk}", f"entry-{newest.pk}", f"entry-{first.pk}"]
    tree = lxml_html.fromstring(page)
    # Each entry's time links to its own place on the page, which works without script.
    link = tree.cssselect(f"#entry-{first.pk} a.live-entry-time")[0]
    assert link.get("href") == f"{story.get_absolute_url()}#entry-{first.pk}"
    key_events = [a.get("href") for a in tree.cssselect("nav.key-events a")]
    assert key_events == [f"#entry-{newest.pk}"]
    assert tree.cssselect("nav.key-events")[0].get("hidden") is None
    assert tree.cssselect('script[src$="live/live.js"]')


def _sources(response, directive: str) -> set[str]:
    """The sources a page's Content-Security-Policy gives `directive`."""
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        if name == directive:
            return set(sources)
    return set()


def test_a_live_page_may_run_its_own_script_and_no_other(client, story):
    live = client.get(story.get_absolute_url())
    other = factories.article(headline="Quiet day")
    plain = client.get(other.get_absolute_url())
    # Every article page runs the Most read beacon (by its hash); a live page adds its own
    # script from this site, and nothing else.
    beacon = _sources(plain, "script-src")
    assert beacon and all(s.startswith("'sha256-") for s in beacon)
    assert _sources(live, "script-src") == beacon | {"'self'"}
    assert "'self'" in _sources(live, "connect-src")
    assert b"live/live.js" not in plain.content


def test_an_ended_story_keeps_its_entries_and_stops_asking_for_more(client, story):
    from dateline.news.tests.factories import desk
    from dateline.newsroom.actions.live import live_end

    entry = post(story, "The wind drops.")
    live_end(article=story, by=desk())
    page = client.get(story.get_absolute_url())
    assert _entries(page.content.decode()) == [f"entry-{entry.pk}"]
    assert b"live/live.js" not in page.content
    assert "'self'" not in _sources(page, "script-src")


def test_the_fragment_gives_what_came_after_the_newest_entry_shown(client, story):
    first = post(story, "One.")
    second = post(story, "Two.")
    url = f"{story.get_absolute_url()}live.json"
    everything = client.get(url).json()
    assert [e["id"] for e in everything["entries"]] == [second.pk, first.pk]
    assert everything["after"] == second.pk
    assert everything["ended"] is False
    newer = client.get(f"{url}?after={first.pk}").json()
    assert [e["id"] for e in newer["entries"]] == [second.pk]
    assert f'id="entry-{second.pk}"' in newer["entries"][0]["html"]
    nothing = client.get(f"{url}?after={second.pk}").json()
    assert nothing["entries"] == [] and nothing["after"] == second.pk


@pytest.mark.parametrize("query", ["after=-1", "after=01", "after=x", "after=1&b=2", "after=١"])
def test_the_fragment_takes_after_in_one_spelling_only(client, story, query):
    # One cache key per state of the stream: no other spelling is kept or answered.
    response = client.get(f"{story.get_absolute_url()}live.json?{query}")
    assert response.status_code == 400


def test_a_story_that_is_not_live_has_no_fragment_nor_live_feed(client):
    story = factories.article(headline="Quiet day")
    assert client.get(f"{story.get_absolute_url()}live.json").status_code == 404
    assert client.get(f"{story.get_absolute_url()}live/rss.xml").status_code == 404
    draft = factories.article(headline="Not yet", publish=False)
    go_live(draft)
    post(draft, "Draft entry.")
    assert client.get(f"{draft.get_absolute_url()}live.json").status_code == 404


def test_a_poll_is_a_cache_hit_until_an_entry_is_posted(story):
    from django.db import connection

    post(story, "One.")
    url = f"{story.get_absolute_url()}live.json?after=0"
    assert cached(url).cache == "miss"
    assert cached(url).cache == "hit"
    post(story, "Two.")
    for _, callback, _ in connection.run_on_commit:
        callback()
    connection.run_on_commit = []
    again = cached(url)
    assert again.cache == "miss"
    assert len(json.loads(again.body)["entries"]) == 2


def test_json_ld_is_a_live_blog_posting_with_its_updates(client, story):
    first = post(story, "The first gusts arrive.")
    second = post(story, "Trees down.", title="Quay road shut", key_event=True)
    page = client.get(story.get_absolute_url()).content.decode()
    data = extruct.extract(page, base_url="http://127.0.0.1:8000/", syntaxes=["json-ld"])
    blogs = [d for d in data["json-ld"] if d.get("@type") == "LiveBlogPosting"]
    assert len(blogs) == 1
    assert not [d for d in data["json-ld"] if d.get("@type") == "NewsArticle"]
    blog = blogs[0]
    assert blog["headline"] == "Storm reaches the coast"
    assert blog["coverageStartTime"]
    assert "coverageEndTime" not in blog
    updates = blog["liveBlogUpdate"]
    assert [u["@type"] for u in updates] == ["BlogPosting", "BlogPosting"]
    assert [u["url"].rsplit("#", 1)[1] for u in updates] == [
        f"entry-{second.pk}",
        f"entry-{first.pk}",
    ]
    assert updates[0]["headline"] == "Quay road shut"
    assert updates[1]["articleBody"] == "The first gusts arrive."
    assert blog["dateModified"] >= updates[0]["datePublished"]


def test_json_ld_of_an_ended_story_says_when_coverage_ended(client, story):
    from dateline.news.tests.factories import desk
    from dateline.newsroom.actions.live import live_end

    post(story, "The wind drops.")
    live_end(article=story, by=desk())
    page = client.get(story.get_absolute_url()).content.decode()
    data = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    blog = next(d for d in data if d.get("@type") == "LiveBlogPosting")
    assert blog["coverageEndTime"] >= blog["coverageStartTime"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_live_feed_carries_every_entry_newest_first(client, story, kind):
    first = post(story, "The first gusts arrive.")
    second = post(story, "<p>Trees <strong>down</strong>.</p>", title="Quay road shut")
    response = client.get(f"{story.get_absolute_url()}live/{kind}.xml")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    links = [e.link for e in feed.entries]
    assert links == [
        f"http://127.0.0.1:8000{story.get_absolute_url()}#entry-{second.pk}",
        f"http://127.0.0.1:8000{story.get_absolute_url()}#entry-{first.pk}",
    ]
    assert feed.entries[0].title == "Quay road shut"
    assert feed.entries[1].title == "The first gusts arrive."
    assert "<strong>down</strong>" in feed.entries[0].content[0].value
    # The page names its live feeds for readers' feed readers to find.
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"{story.get_absolute_url()}live/{kind}.xml" in page


def test_live_page_query_count_is_pinned(client, django_assert_num_queries, story):
    from dateline.pictures.models import Picture

    picture = Picture.objects.create(file="x.jpg", width=800, height=600, caption="Waves")
    for n in range(5):
        post(story, f"Entry {n}.", picture=picture if n == 2 else None)
    client.get(story.get_absolute_url())  # warm the process's memos
    # This story's page as any (the story, its labels, previous and next), then the
    # coverage, its entries and their pictures: whatever the number of entries.
    with django_assert_num_queries(3 + 3):
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert len(_entries(response.content.decode())) == 5
    with django_assert_num_queries(4):
        client.get(f"{story.get_absolute_url()}live.json?after=0")


def test_a_story_that_is_not_live_costs_its_page_no_query(client, django_assert_num_queries):
    story = factories.article(headline="Quiet day", section_obj=factories.section("Harbour"))
    client.get(story.get_absolute_url())
    # The story, its labels, previous and next: which stories are live is memoised.
    with django_assert_num_queries(3):
        client.get(story.get_absolute_url())


def _teaser_titles(page_html: str) -> list[str]:
    tree = lxml_html.fromstring(page_html)
    return [" ".join(h.text_content().split()) for h in tree.cssselect(".teaser-title")]


def test_teasers_of_a_story_live_now_say_live_in_words_until_it_ends(
    story, django_capture_on_commit_callbacks
):
    from dateline.newsroom.actions.live import live_end

    calm = factories.article(headline="Quiet day at the market", section_obj=story.section)
    # Front page, section, and an article page's Latest from the section.
    pages = ["/", story.section.get_absolute_url(), calm.get_absolute_url()]
    for path in pages:
        titles = _teaser_titles(cached(path).text)
        # The link reads "Live: …": the badge is a word, its colour only adds to it.
        assert "Live: Storm reaches the coast" in titles, (path, titles)
        assert not any(t.startswith("Live") and "Quiet" in t for t in titles), (path, titles)
    assert cached("/").cache == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        live_end(article=story, by=factories.desk())
    for path in pages:
        # Through the page cache, as readers get it: the teasers follow at once.
        titles = _teaser_titles(cached(path).text)
        assert "Storm reaches the coast" in titles, (path, titles)
        assert not any(t.startswith("Live") for t in titles), (path, titles)


def test_a_live_story_in_the_site_feeds_says_live_and_carries_its_newest_entries(
    story, django_capture_on_commit_callbacks
):
    from dateline.newsroom.actions.live import live_end

    first = post(story, "The first gusts arrive.")
    for n in range(5):
        post(story, f"Update number {n} from the quay.")
    newest = post(story, "Trees down on the quay road.", title="Quay road shut")
    calm = factories.article(headline="Quiet day at the market")
    from dateline.syndication.identity import absolute

    url = absolute(story.get_absolute_url())
    for path in ("/feeds/rss.xml", "/feeds/atom.xml", "/section/harbour/rss.xml"):
        feed = feedparser.parse(cached(path).body)
        items = {e.link: e for e in feed.entries}
        item = items[url]
        # One item for the story, as before it went live: its guid does not move.
        assert item.title == "Live: Storm reaches the coast", path
        assert "Live" in [t.term for t in item.tags], path
        content = item.content[0].value
        # The newest five entries, newest first, each linking its place on the page; the
        # first one only in the story's own live feed, which the item links.
        assert content.index("Quay road shut") < content.index("Update number 4"), path
        assert f'{url}#entry-{newest.pk}"' in content, path
        assert f"#entry-{first.pk}" not in content, path
        assert "/story/storm-reaches-the-coast/live/rss.xml" in content, path
        other = items.get(absolute(calm.get_absolute_url()))
        if other is not None:
            assert other.title == "Quiet day at the market"
    atom = feedparser.parse(cached("/feeds/atom.xml").body)
    item = next(e for e in atom.entries if e.link == url)
    newest.refresh_from_db()
    assert item.updated_parsed[:6] == newest.posted_at.utctimetuple()[:6]

    # A new entry reaches the feeds through the page cache; the end of coverage too.
    with django_capture_on_commit_callbacks(execute=True):
        later = post(story, "The wind drops.", title="Wind drops")
    body = cached("/feeds/rss.xml").body.decode()
    assert f"#entry-{later.pk}" in body
    with django_capture_on_commit_callbacks(execute=True):
        live_end(article=story, by=factories.desk())
    feed = feedparser.parse(cached("/feeds/rss.xml").body)
    item = next(e for e in feed.entries if e.link == url)
    assert item.title == "Storm reaches the coast"
    assert "Live" not in [t.term for t in item.tags]
    assert "Wind drops" in item.content[0].value  # what happened stays with the story
