"""The beacon through the real WSGI path (`config.wsgi.application`: the beacon in front of
the page cache in front of Django), on the database store and on Redis."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
import time_machine

from dateline.core import clock
from dateline.mostread import ranking
from dateline.mostread.beacon import MAX_BODY
from dateline.mostread.store import WINDOW
from dateline.news.tests import factories
from dateline.news.tests.readers import cached, read

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def send(
    body: bytes | str,
    *,
    address: str = "192.0.2.10",
    agent: str = FIREFOX,
    method: str = "POST",
    **extra,
) -> tuple[int, dict[str, str]]:
    from config.wsgi import application

    if isinstance(body, str):
        body = body.encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/b",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": address,
        "HTTP_USER_AGENT": agent,
        "CONTENT_TYPE": "text/plain;charset=UTF-8",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    environ.update(extra)
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status[:3]), dict(headers)

    b"".join(application(environ, start_response))
    return seen["status"], seen["headers"]


def counted() -> dict[int, int]:
    return dict(ranking.counts())


@pytest.fixture
def stories(db):
    section = factories.section("Harbour")
    return [factories.article(headline=f"Story {i}", section_obj=section) for i in range(20)]


@pytest.mark.django_db
def test_a_read_is_counted_with_204_no_cookie_and_no_store(counting, stories):
    status, headers = send(str(stories[0].pk))
    assert status == 204
    assert not any(name.lower() == "set-cookie" for name in headers)
    assert headers["Cache-Control"] == "no-store"
    assert counted() == {stories[0].pk: 1}


@pytest.mark.django_db
def test_django_s_own_handler_answers_a_beacon_the_same_way(counting, stories, client):
    """Servers that run Django's handler, not config/wsgi.py (the suite's live servers),
    count a beacon the same way: no cookie, no CSRF token asked, nothing kept."""
    client.cookies.clear()
    response = client.post(
        "/b", str(stories[1].pk), content_type="text/plain", HTTP_USER_AGENT=FIREFOX
    )
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert client.get("/b").status_code == 405
    assert client.post("/b", "x", content_type="text/plain").status_code == 400
    assert counted() == {stories[1].pk: 1}


@pytest.mark.django_db
def test_a_thousand_beacons_across_twenty_stories_rank_in_order(counting, stories):
    # Story i is read by 5 i + 2 readers (the last by ten more: 1,000 in all), each from an
    # address of its own, in a shuffled order; 200 readers send their beacon again (a
    # reload), and a crawler reads every story.
    expected = {s.pk: 5 * i + 2 + (10 if i == 19 else 0) for i, s in enumerate(stories)}
    beacons = [
        (pk, f"10.{i}.{n // 250}.{n % 250}")
        for i, (pk, reads) in enumerate(expected.items())
        for n in range(reads)
    ]
    assert len(beacons) == 1000
    shuffle = random.Random(14)
    shuffle.shuffle(beacons)
    for pk, address in beacons:
        assert send(str(pk), address=address, agent=shuffle.choice([FIREFOX, SAFARI]))[0] == 204
    for pk, address in beacons[:200]:  # the same readers again: repeats
        assert send(str(pk), address=address)[0] == 204
    for story in stories:
        assert send(str(story.pk), address="66.249.66.1", agent=GOOGLEBOT)[0] == 204
    assert counted() == expected
    order = sorted(expected, key=lambda pk: (-expected[pk], -pk))
    assert [pk for pk, _ in ranking.counts()] == order
    assert [pk for pk, _ in ranking.top()] == order[: ranking.SHOWN]


@pytest.mark.django_db
def test_bots_are_not_counted(counting, stories):
    pk = str(stories[0].pk)
    for agent in (
        GOOGLEBOT,
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
        "",
    ):
        assert send(pk, agent=agent, address="198.51.100.7")[0] == 204, agent
    assert counted() == {}
    assert send(pk, agent=FIREFOX, address="198.51.100.7")[0] == 204
    assert counted() == {stories[0].pk: 1}


@pytest.mark.django_db
def test_a_repeat_within_the_window_is_not_counted_and_one_after_it_is(counting, stories):
    one, two = str(stories[0].pk), str(stories[1].pk)
    with time_machine.travel(dt.datetime(2031, 3, 12, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        for _ in range(5):
            send(one, address="203.0.113.5")
        send(two, address="203.0.113.5")  # another story from the same reader
        send(one, address="203.0.113.6")  # the same story from another reader
        assert counted() == {stories[0].pk: 2, stories[1].pk: 1}
        t.shift(WINDOW - 60)
        send(one, address="203.0.113.5")
        assert counted() == {stories[0].pk: 2, stories[1].pk: 1}
        t.shift(120)
        send(one, address="203.0.113.5")
        assert counted() == {stories[0].pk: 3, stories[1].pk: 1}


@pytest.mark.django_db
def test_behind_the_trusted_proxy_readers_are_told_apart_by_the_address_it_vouches_for(
    counting, stories, settings
):
    settings.DATELINE_TRUSTED_PROXY = True
    pk = str(stories[0].pk)
    for reader in ("192.0.2.1", "192.0.2.2", "192.0.2.2"):
        # What the client wrote before the proxy's entry is its own claim.
        forwarded = f"{random.random()}, {reader}"
        send(pk, address="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert counted() == {stories[0].pk: 2}


@pytest.mark.django_db
def test_hostile_beacons_are_refused_and_count_nothing(counting, stories, shared_dir):
    pk = str(stories[0].pk)
    draft = factories.article(headline="Draft", publish=False)
    later = factories.article(headline="Later")
    factories.publish(later, clock.now() + dt.timedelta(hours=2))
    gone = factories.article(headline="Gone")
    factories.unpublish(gone)
    assert send(pk, method="GET")[0] == 405
    assert send(pk, method="PUT")[0] == 405
    assert send(pk, method="GET")[1]["Allow"] == "POST"
    assert send("1" * (MAX_BODY + 1))[0] == 413
    assert send(b"x" * 1_000_000)[0] == 413
    # A body longer than it says: only what it announced is read.
    extra = {"wsgi.input": io.BytesIO(pk.encode() + b"9" * 10_000)}
    assert send(pk, CONTENT_LENGTH=str(len(pk)), **extra)[0] == 204
    for junk in ("", " ", "-1", "0", "1.5", "1e3", "0x10", "99999999999", "١٢", "12;DROP"):
        assert send(junk)[0] in (400, 413), junk
    assert send(pk, CONTENT_LENGTH="abc")[0] == 400
    for path in sorted((shared_dir / "corpora" / "security" / "xss").rglob("*"))[:40]:
        if path.is_file():
            payload = path.read_bytes()[:2000]
            assert send(payload)[0] in (400, 413), path.name
    for hidden in (draft, later, gone):
        assert send(str(hidden.pk))[0] == 404, hidden.headline
    assert send("2147483000")[0] == 404
    assert send(pk, HTTP_SEC_FETCH_SITE="cross-site")[0] == 403
    assert counted() == {stories[0].pk: 1}  # the one whole beacon
    assert send(pk, HTTP_SEC_FETCH_SITE="same-origin", address="192.0.2.99")[0] == 204


@pytest.mark.django_db
def test_the_article_page_stays_a_cache_hit_while_beacons_arrive(counting, stories):
    from dateline.pagecache.tests.client import commit

    commit()
    url = stories[3].get_absolute_url()
    assert cached(url).cache == "miss"
    assert cached(url).cache == "hit"
    for n in range(50):
        assert send(str(stories[3].pk), address=f"192.0.2.{n}")[0] == 204
        assert cached(url).cache == "hit"
    assert counted() == {stories[3].pk: 50}


@pytest.mark.django_db
def test_no_address_is_kept(local_store, stories):
    address = "198.51.100.123"
    send(str(stories[0].pk), address=address)
    with open(local_store.path, "rb") as table:
        kept = table.read()
    assert address.encode() not in kept
    assert any(kept[64:])  # but the keyed hash is there, for the window
    local_store.sweep(clock.now().timestamp() + WINDOW + 1)
    with open(local_store.path, "rb") as table:
        assert not any(table.read()[64:])


def test_the_page_script_beacons_the_story_and_nothing_else():
    from dateline.mostread.script import SCRIPT

    assert 'sendBeacon("/b",s.dataset.story)' in SCRIPT
    assert "cookie" not in SCRIPT.lower()


@pytest.mark.django_db
def test_other_paths_go_on_to_the_site(local_store, stories):
    from config.wsgi import application

    # The site answers: a one-segment address may be a static page's, so Django adds the
    # slash (APPEND_SLASH), and there is no page there.
    near = read(application, "/bb")
    assert (near.status, near.headers["Location"]) == (301, "/bb/")
    assert read(application, "/bb/").status == 404
    assert read(application, stories[0].get_absolute_url()).status == 200


@pytest.mark.django_db
def test_with_redis_away_a_beacon_gets_503_and_pages_are_served(redis_store, stories):
    assert send(str(stories[0].pk))[0] == 204
    redis_store.server.stop()
    assert send(str(stories[0].pk), address="192.0.2.50")[0] == 503
    assert cached(stories[0].get_absolute_url()).status == 200


def test_the_seen_table_counts_each_reader_once_across_threads(tmp_path):
    import threading

    from dateline.mostread.store import LocalStore

    table = LocalStore(str(tmp_path / "seen"), flush_every=None)
    now = clock.now().timestamp()
    firsts: list[bool] = []
    start = threading.Barrier(4)

    def reader_storm():
        start.wait()
        found = [table.first(f"10.9.{n // 250}.{n % 250}", 5, now) for n in range(2000)]
        firsts.extend(found)

    threads = [threading.Thread(target=reader_storm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert firsts.count(True) == 2000
