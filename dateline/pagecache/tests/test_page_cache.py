"""The page cache in front of Django: hits skip Django, publishes reach every page that
shows the story and no other, scheduled stories appear on the second."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
import time_machine
from django.core import signals
from django.db import close_old_connections

from dateline.core import clock
from dateline.news import services
from dateline.news.selectors import section_page
from dateline.news.tests import factories
from dateline.pagecache.tests.client import Counting, commit, fetch, get
from dateline.pagecache.wsgi import PageCacheApp, store

__all__ = ["Counting", "commit", "get"]  # for the syndication tests, which reach pages here


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
def test_head_gets_the_headers_of_a_kept_page_and_keeps_nothing_itself(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    status, headers, body = get(cached, url, REQUEST_METHOD="HEAD")
    assert status.startswith("200") and body == "" and len(store) == 0
    _, full, _ = get(cached, url)
    status, headers, body = get(cached, url, REQUEST_METHOD="HEAD")
    assert headers["X-Cache"] == "hit" and body == ""
    assert headers["ETag"] == full["ETag"] and headers["Content-Length"] == full["Content-Length"]
    assert django.calls == 2


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
    cached, _ = app
    url = world["a"].get_absolute_url()
    _, _, plain = get(cached, url)
    _, headers, body = fetch(cached, url, HTTP_ACCEPT_ENCODING="gzip, br")
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
    _, seen, body = fetch(cached, world["b"].get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert seen["X-Cache"] == "miss" and seen["Content-Encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"


def _hits(app, url, *, count, query):
    hits = 0
    for i in range(count):
        status, headers, _ = get(app, url, QUERY_STRING=query(i))
        assert status.startswith("200")
        hits += headers["X-Cache"] == "hit"
    return hits


@pytest.mark.django_db
def test_a_thousand_utm_variants_of_one_link_are_one_entry(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    hits = _hits(
        cached,
        url,
        count=1000,
        query=lambda i: f"utm_source=newsletter-{i}&utm_medium=email&fbclid=IwAR{i}",
    )
    assert hits == 999 and django.calls == 1
    assert len(store) == 1 and url in store


@pytest.mark.django_db
def test_tracking_parameters_are_dropped_and_the_rest_keyed_in_one_order(app, world):
    cached, django = app
    for n in range(21):  # two pages of Harbour
        factories.article(headline=f"Harbour note {n}", section_obj=world["news"])
    commit()
    url = world["news"].get_absolute_url()
    older = section_page(slug=world["news"].slug).older.removeprefix("?")  # page 2
    queries = [
        older,
        f"utm_campaign=spring&{older}",
        f"{older}&gclid=abc&_ga=2.1.3&MC_EID=x&msclkid=y",
        f"UTM_Source=x&{older}&igshid=z&dclid=q",
    ]
    for query in queries:
        _, _, body = get(cached, url, QUERY_STRING=query)
        assert "Harbour note 20" in body  # the oldest, on page 2
    assert django.calls == 1 and list(store.entries) == [f"{url}?{older}"]
    get(cached, url, QUERY_STRING="page=1&utm_source=x")
    get(cached, url, QUERY_STRING="b=2&a=1")
    get(cached, url, QUERY_STRING="a=1&b=2&utm_term=z")
    assert django.calls == 3
    # ?page=1 answers 301 to the listing (numbered pages are gone), which is not kept.
    assert sorted(store.entries) == [f"{url}?a=1&b=2", f"{url}?{older}"]


@pytest.mark.django_db
def test_canonical_links_name_the_page_without_tracking_parameters(app, world):
    cached, _ = app
    tracking = "utm_source=x&fbclid=y"
    for url in ["/", world["a"].get_absolute_url(), world["news"].get_absolute_url()]:
        _, _, body = get(cached, url, QUERY_STRING=tracking)
        canonical = body.split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]
        assert canonical == f"http://127.0.0.1:8000{url}"
        assert "utm_" not in body and "fbclid" not in body


def _signed_in_cookies(settings) -> dict[str, str]:
    """Signs an editor in through the admin's own login form, as a browser would, and
    returns the cookies the browser keeps."""
    from django.contrib.auth.models import User
    from django.test import Client

    User.objects.create_superuser("editor", "editor@example.com", "a-long-password-1")
    browser = Client(enforce_csrf_checks=True)
    browser.get("/admin/login/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "a-long-password-1",
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200
    # The test client reconnects these after each request; our WSGI requests must not
    # close the connection that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    return {name: morsel.value for name, morsel in browser.cookies.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("names", [None, ("dl_session", "dl_csrf")], ids=["default", "custom"])
def test_a_signed_in_editor_is_never_served_nor_stored(app, world, settings, names):
    if names:
        settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = names
    cached, django = app
    kept = _signed_in_cookies(settings)
    assert set(kept) == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    cookies = "; ".join(f"{name}={value}" for name, value in kept.items())
    session = f"{settings.SESSION_COOKIE_NAME}={kept[settings.SESSION_COOKIE_NAME]}"
    url = world["a"].get_absolute_url()
    for _ in range(2):
        status, headers, _ = get(cached, url, HTTP_COOKIE=cookies)
        assert status.startswith("200") and "X-Cache" not in headers
    assert django.calls == 2 and len(store) == 0
    get(cached, url), get(cached, url)  # a reader warms the page
    assert django.calls == 3
    for cookie in [cookies, f"_ga=GA1.2.3; {session}; consent=yes"]:
        _, headers, _ = get(cached, url, HTTP_COOKIE=cookie)
        assert "X-Cache" not in headers
    assert django.calls == 5


@pytest.mark.django_db
def test_readers_cookies_that_merely_contain_a_private_name_are_served(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    get(cached, url)
    for cookie in ["theme=dark", "xsessionid=1; mysessionid=2", "pref=sessionid=3", "sessionid="]:
        _, headers, _ = get(cached, url, HTTP_COOKIE=cookie)
        assert headers["X-Cache"] == "hit", cookie
    assert django.calls == 1


@pytest.mark.django_db
def test_cacheable_pages_carry_their_tags_for_a_cdn_to_purge(app, world, settings):
    settings.DATELINE_CACHE_TAG_HEADERS = ("xkey", "Surrogate-Key", "Cache-Tag")
    cached, _ = app
    a, news = world["a"], world["news"]
    expected = {f"article:{a.pk}", f"section:{news.pk}", "settings", "sections", "list:dont-miss"}
    for x_cache in ["miss", "hit"]:
        _, headers, _ = get(cached, a.get_absolute_url())
        assert headers["X-Cache"] == x_cache
        surrogate = headers["Surrogate-Key"].split(" ")
        assert expected <= set(surrogate) and surrogate == sorted(surrogate)
        assert headers["Cache-Tag"].split(",") == surrogate
        assert headers["xkey"].split(" ") == surrogate
    _, headers, _ = get(cached, "/feeds/rss.xml")
    assert "stories" in headers["Surrogate-Key"].split(" ")
    _, headers, _ = get(cached, "/admin/login/")
    assert not {"xkey", "Surrogate-Key", "Cache-Tag"} & set(headers)


@pytest.mark.django_db
def test_tags_go_in_the_xkey_header_alone_unless_a_cdn_is_configured(world):
    cached = PageCacheApp(Counting())
    _, headers, _ = get(cached, world["a"].get_absolute_url())
    assert f"article:{world['a'].pk}" in headers["xkey"].split(" ")
    assert "Surrogate-Key" not in headers and "Cache-Tag" not in headers


@pytest.mark.django_db
def test_a_host_django_refuses_gets_400_even_when_the_page_is_kept(app, world, settings):
    """A hit is answered before Django runs, so the cache makes Django's ALLOWED_HOSTS check
    itself; a refused host is answered by Django (400) and keys nothing."""
    settings.ALLOWED_HOSTS = ["news.example.com", ".courier.example"]
    cached, django = app
    url = world["a"].get_absolute_url()
    for host in ("news.example.com", "NEWS.example.com:8443", "www.courier.example."):
        status, headers, _ = get(cached, url, HTTP_HOST=host)
        assert status.startswith("200") and headers["X-Cache"] in ("miss", "hit"), host
    assert django.calls == 1 and len(store) == 1
    for host in (
        "evil.example",
        "news.example.com.evil.example",
        "news.example.com@evil.example",
        "news.example.com:80:80",
        "",
    ):
        status, _, _ = get(cached, url, HTTP_HOST=host)
        assert status.startswith("400"), host
        status, _, _ = get(cached, "/never-asked-before/", HTTP_HOST=host)
        assert status.startswith("400"), host
    assert len(store) == 1
    # Behind a proxy that sets X-Forwarded-Host, that is the host Django checks.
    settings.USE_X_FORWARDED_HOST = True
    status, _, _ = get(cached, url, HTTP_HOST="news.example.com", HTTP_X_FORWARDED_HOST="evil")
    assert status.startswith("400")
    status, _, _ = get(cached, url, HTTP_HOST="evil", HTTP_X_FORWARDED_HOST="news.example.com")
    assert status.startswith("200")


@pytest.mark.django_db
def test_behind_a_tls_proxy_a_plain_request_is_redirected_even_when_the_page_is_kept(
    world, settings
):
    """With the HTTPS redirect on (settings/production.py, behind a trusted proxy), a hit
    must not answer a plain request that Django would redirect."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    django = Counting()  # made now: Django's SecurityMiddleware reads its settings once
    cached = PageCacheApp(django)
    url = world["a"].get_absolute_url()
    for expected in ("miss", "hit"):
        status, headers, _ = get(cached, url, HTTP_X_FORWARDED_PROTO="https")
        assert status.startswith("200") and headers["X-Cache"] == expected
        assert headers["Strict-Transport-Security"] == "max-age=3600"
    for proto in ({}, {"HTTP_X_FORWARDED_PROTO": "http"}):
        status, headers, _ = get(cached, url, **proto)
        assert status.startswith("301") and headers["Location"] == f"https://127.0.0.1{url}"
    assert django.calls == 3


@pytest.mark.django_db
def test_a_page_hit_after_other_stories_changed_is_still_refreshed_when_its_own_does(app, world):
    from dateline.pagecache.versions import versions

    cached, django = app
    url = world["a"].get_absolute_url()
    get(cached, url)
    versions().bump(["article:999999"])  # a story this page does not show
    assert get(cached, url)[1]["X-Cache"] == "hit"
    assert get(cached, url)[1]["X-Cache"] == "hit"
    assert django.calls == 1
    versions().bump([f"article:{world['a'].pk}"])
    assert get(cached, url)[1]["X-Cache"] == "miss"
    assert django.calls == 2


@pytest.mark.django_db
def test_pages_rendered_within_one_second_share_one_formatted_last_modified(
    app, world, monkeypatch
):
    from email.utils import formatdate

    from dateline.pagecache import wsgi

    cached, _ = app
    made = []
    monkeypatch.setattr(wsgi, "formatdate", lambda *a, **k: made.append(a) or formatdate(*a, **k))
    with time_machine.travel(dt.datetime(2026, 12, 1, 3, 4, 5, 250000, tzinfo=dt.UTC), tick=False):
        _, first, _ = get(cached, world["a"].get_absolute_url())
        _, second, _ = get(cached, world["b"].get_absolute_url())
    assert first["Last-Modified"] == second["Last-Modified"] == "Tue, 01 Dec 2026 03:04:05 GMT"
    assert len(made) <= 1  # none when an earlier test formatted that second already
