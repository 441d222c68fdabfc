"""The page cache in front of Django: hits skip Django, publishes reach every page that
shows the story and no other, scheduled stories appear on the second."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction

from dateline.core import clock
from dateline.news import services
from dateline.news.tests import factories
from dateline.pagecache.wsgi import PageCacheApp, store


class Counting:
    """Counts how often Django itself is entered."""

    def __init__(self):
        self.inner = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


def get(app, path, **extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    environ.update(extra)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body.decode()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: finishing a request must not close the connection
    # that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def app():
    django = Counting()
    return PageCacheApp(django), django


@pytest.fixture
def world(db):
    news = factories.section("Harbour")
    sport = factories.section("Sport")
    a = factories.article(headline="Quay reopens", section_obj=news)
    b = factories.article(headline="Ferry strike ends", section_obj=news)
    c = factories.article(headline="Rowing club wins", section_obj=sport)
    commit()
    return {"news": news, "sport": sport, "a": a, "b": b, "c": c}


def commit():
    # pytest-django wraps tests in a transaction; run the on_commit invalidations now.
    for _, callback, _ in transaction.get_connection().run_on_commit:
        callback()
    transaction.get_connection().run_on_commit = []


@pytest.mark.django_db
def test_second_request_is_served_without_entering_django(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    s1, h1, body1 = get(cached, url)
    s2, h2, body2 = get(cached, url)
    assert s1.startswith("200") and s2.startswith("200")
    assert django.calls == 1
    assert body1 == body2
    assert h1["X-Cache"] == "miss" and h2["X-Cache"] == "hit"
    assert h2["ETag"] and "stale-while-revalidate" in h2["Cache-Control"]


@pytest.mark.django_db
def test_conditional_get_answers_304(app, world):
    cached, _ = app
    url = world["a"].get_absolute_url()
    _, headers, _ = get(cached, url)
    status, _, body = get(cached, url, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == ""


@pytest.mark.django_db
def test_publish_in_a_section_refreshes_its_article_pages_but_not_other_sections(app, world):
    cached, django = app
    a_url, c_url = world["a"].get_absolute_url(), world["c"].get_absolute_url()
    get(cached, a_url), get(cached, c_url)
    assert django.calls == 2
    factories.article(headline="Lifeboat crew honoured", section_obj=world["news"])
    commit()
    _, _, body = get(cached, a_url)
    assert "Lifeboat crew honoured" in body  # "Latest from Harbour" shows it at once
    assert django.calls == 3
    get(cached, c_url)
    assert django.calls == 3  # the Sport story did not change


@pytest.mark.django_db
def test_dont_miss_change_reaches_every_article_page(app, world):
    cached, _ = app
    c_url = world["c"].get_absolute_url()
    get(cached, c_url)
    factories.curate("dont-miss", [world["b"]])
    commit()
    _, headers, body = get(cached, c_url)
    assert headers["X-Cache"] == "miss"
    assert "Don't Miss" in body and "Ferry strike ends" in body


@pytest.mark.django_db
def test_headline_edit_reaches_pages_that_link_to_the_story(app, world):
    cached, _ = app
    from dateline.news import body as body_format

    world["a"].body = "<p>Text.</p>" + body_format.also_read_placeholder(world["c"].pk)
    factories.save(world["a"])
    commit()
    url = world["a"].get_absolute_url()
    assert "Rowing club wins" in get(cached, url)[2]
    world["c"].headline = "Rowing club wins the regatta"
    factories.save(world["c"])
    commit()
    assert "Rowing club wins the regatta" in get(cached, url)[2]


@pytest.mark.django_db
def test_scheduled_story_appears_on_the_second_through_the_cache(app, world):
    cached, _ = app
    at = (clock.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    scheduled = factories.article(
        headline="Bridge opens at nine", section_obj=world["news"], published_at=at
    )
    topic = services.topic_get_or_create(kind="place", name="Kell Bridge")
    tag = services.tag_get_or_create(name="Bridges")
    factories.save(scheduled, topics=[topic], tags=[tag])
    factories.save(world["a"], topics=[topic], tags=[tag])
    commit()
    a_url, s_url = world["a"].get_absolute_url(), scheduled.get_absolute_url()
    listings = [
        "/",
        world["news"].get_absolute_url(),
        topic.get_absolute_url(),
        tag.get_absolute_url(),
    ]
    with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
        for url in [a_url, *listings]:
            status, headers, body = get(cached, url)
            assert status.startswith("200") and "Bridge opens at nine" not in body, url
        assert get(cached, s_url)[0].startswith("404")
        for url in [a_url, *listings]:  # now served from the cache
            _, headers, body = get(cached, url)
            assert headers["X-Cache"] == "hit" and "Bridge opens at nine" not in body, url
    with time_machine.travel(at, tick=False):
        for url in [a_url, *listings]:
            assert "Bridge opens at nine" in get(cached, url)[2], url
        assert get(cached, s_url)[0].startswith("200")


@pytest.mark.django_db
def test_staff_with_a_session_are_never_served_or_stored(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    get(cached, url, HTTP_COOKIE="sessionid=abc")
    get(cached, url, HTTP_COOKIE="sessionid=abc")
    assert django.calls == 2
    assert store.get(url) is None


@pytest.mark.django_db
def test_today_in_the_header_expires_at_local_midnight(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    evening = dt.datetime(2030, 6, 3, 23, 59, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with time_machine.travel(evening, tick=False):
        assert "3 June 2030" in get(cached, url)[2]
    with time_machine.travel(evening + dt.timedelta(minutes=2), tick=False):
        assert "4 June 2030" in get(cached, url)[2]
    assert django.calls == 2


@pytest.mark.django_db
def test_hits_are_gzipped_for_clients_that_accept_it(app, world):
    import gzip

    cached, _ = app
    url = world["a"].get_absolute_url()
    _, _, plain = get(cached, url)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": "",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip, br",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(cached(environ, start_response))
    headers = seen["headers"]
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body).decode() == plain
    assert int(headers["Content-Length"]) == len(body)
    status, _, _ = get(cached, url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304")
    status, _, _ = get(cached, url, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("200")  # the gzip validator does not match the plain bytes


@pytest.mark.django_db
def test_first_reader_gets_gzip_too(app, world):
    cached, _ = app
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": world["b"].get_absolute_url(),
        "QUERY_STRING": "",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(headers)

    body = b"".join(cached(environ, start_response))
    assert seen["X-Cache"] == "miss" and seen["Content-Encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"
