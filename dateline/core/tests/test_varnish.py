"""Varnish in front of `dateline serve`, with the shipped VCL (deploy/varnish/dateline.vcl)
and a purge by tag after every change: real varnishd, real server, real newsroom screens.

Pages are given an hour's lifetime (DATELINE_PAGE_CACHE_SECONDS), so whatever changes
within a test reached readers through a purge, or through the page's expiry (the next
scheduled story), never through a lifetime running out. Every wait polls against a deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from zoneinfo import ZoneInfo

import pytest

from dateline.core.tests import live
from dateline.core.tests.serving import STORY, free_port, make_site, site_env

LIFETIME = 3600
PUBLICATION = "from dateline.news.models import Publication"
# A story of another section, which nothing the tests change shows.
UNRELATED = {
    "uri": "urn:test:rowing-regatta",
    "type": "text",
    "firstcreated": "2024-03-01T07:00:00+00:00",
    "pubstatus": "usable",
    "headlines": [{"role": "main", "value": "Rowing regatta moves to the estuary"}],
    "bodies": [
        {"role": "main", "contenttype": "text/html", "value": "<p>Crews race on Sunday.</p>"}
    ],
    "subjects": [{"name": "Sport", "rel": "section", "uri": "urn:test:section:sport"}],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("varnish")
    varnish_port = free_port()
    env = site_env(
        root / "var",
        DATELINE_PURGE_URL=f"http://127.0.0.1:{varnish_port}/",
        DATELINE_PAGE_CACHE_SECONDS=str(LIFETIME),
    )
    make_site(env)
    (root / "unrelated.json").write_text(json.dumps(UNRELATED))
    live.site_python(
        env,
        "from django.core.management import call_command; "
        f"call_command('import', 'ninjs', {str(root / 'unrelated.json')!r})",
    )
    live.add_editor(env, "editor", "a long editor password")
    ids = json.loads(
        live.site_python(
            env,
            "import json; from dateline.news.models import Article; "
            "print(json.dumps({a.slug: a.pk for a in Article.objects.all()}))",
        )
    )
    log = root / "serve.log"
    with live.serve(env, log, "--workers", "1") as (app, _):
        with live.varnish([int(app.rsplit(":", 1)[1])], root, port=varnish_port) as (front, proc):
            yield {"app": app, "front": front, "ids": ids, "log": log, "root": root, "env": env}


def _path(site, headline_start: str) -> str:
    slug = next(s for s in site["ids"] if s.startswith(headline_start))
    return f"/story/{slug}/"


def _slug(path: str) -> str:
    return path.strip("/").split("/")[-1]


def _warm(url: str) -> live.Response:
    reader = live.Browser()
    reader.get(url)
    again = reader.get(url)
    assert again.status == 200 and again.varnish_hit(), again.headers
    return again


def test_a_page_is_kept_by_varnish_for_its_lifetime_with_its_tags_hidden(site):
    # Its lifetime, or less before local midnight: the header's date changes then.
    zone = ZoneInfo(live.site_python(site["env"], f"{PUBLICATION}; print(Publication.load().zone)"))
    now = dt.datetime.now(zone)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    lifetime = min(LIFETIME, (midnight - now).total_seconds())
    page = _warm(site["front"] + STORY)
    max_age = int(re.search(r"s-maxage=(\d+)", page.headers["Cache-Control"]).group(1))
    assert lifetime - 120 < max_age <= LIFETIME
    assert "xkey" not in page.headers  # the tags are Varnish's alone
    direct = live.Browser().get(site["app"] + STORY)
    assert f"article:{site['ids'][_slug(STORY)]}" in direct.headers["xkey"].split()


def test_a_correction_through_the_newsroom_is_purged_from_varnish_by_its_tags(site):
    front, story = site["front"], site["ids"][_slug(STORY)]
    _warm(front + STORY)
    unrelated = _path(site, "rowing-regatta")
    _warm(front + unrelated)  # a page the correction does not touch
    editor = live.Browser()
    editor.login(site["app"], "editor", "a long editor password")
    body = editor.form(f"{site['app']}/admin/news/article/{story}/change/")["body"][0]
    corrected = body.replace("<p>", "<p>Corrected: the timetable changes in November. ", 1)
    editor.correct(site["app"], story, {"body": corrected}, kind="correction")

    reader = live.Browser()
    page = reader.get(front + STORY)
    assert "Corrected: the timetable changes in November." in page.text
    assert not page.varnish_hit()  # fetched again: purged, an hour before its lifetime ends
    assert reader.get(front + STORY).varnish_hit()  # and kept again
    other = reader.get(front + unrelated)
    assert other.varnish_hit() and int(other.headers["Age"]) >= 0
    assert "purge" not in site["log"].read_text().lower()  # no purge failed


def test_staff_requests_pass_through_varnish_and_are_never_kept(site):
    front = site["front"]
    editor = live.Browser()
    editor.login(front, "editor", "a long editor password")  # through Varnish
    for path in [STORY, "/", "/admin/", "/newsroom/"]:
        for _ in range(2):
            answer = editor.get(front + path)
            assert answer.status == 200, (path, answer.status)
            assert not answer.varnish_hit(), path
    desk = editor.get(front + "/newsroom/")
    assert "no-store" in desk.headers["Cache-Control"]
    # What staff fetched was not kept for readers either: the desk is not served to them.
    assert live.Browser().get(front + "/newsroom/").status == 302


def test_a_scheduled_story_appears_on_the_front_page_through_varnish_on_its_second(site):
    front, app = site["front"], site["app"]
    other = site["ids"][_slug(_path(site, "dredging"))]
    editor = live.Browser()
    editor.login(app, "editor", "a long editor password")
    editor.newsroom_action(app, "unpublish", other, note="Held for legal")
    headline = "Dredging of the inner harbour begins next month"
    assert headline not in live.Browser().get(front + "/").text
    at = dt.datetime.fromtimestamp(int(time.time()) + 5, dt.UTC)
    editor.newsroom_action(app, "schedule", other, at=at.isoformat())

    reader = live.Browser()
    page = _warm(front + "/")
    assert headline not in page.text
    max_age = int(re.search(r"s-maxage=(\d+)", page.headers["Cache-Control"]).group(1))
    assert max_age < at.timestamp() - time.time()  # kept, but never past its second
    while time.time() < at.timestamp() - 0.5:
        page = reader.get(front + "/")
        assert headline not in page.text
        time.sleep(0.1)  # reading the page as the second approaches, not timing anything
    live.until(lambda: time.time() >= at.timestamp(), seconds=5, what="the story's second")
    page = reader.get(front + "/")
    assert headline in page.text
    assert time.time() < at.timestamp() + 1  # on its second


def test_a_failed_purge_is_logged_and_the_write_succeeds(site, tmp_path):
    """Varnish down: the correction is saved and served, and the purge that could not be
    sent is in the server's log with the tags it would have purged."""
    story = site["ids"][_slug(STORY)]
    varnish_port = free_port()
    env = {**site["env"], "DATELINE_PURGE_URL": f"http://127.0.0.1:{varnish_port}/"}
    log = tmp_path / "serve.log"
    with live.serve(env, log, "--workers", "1") as (app, _):
        port = int(app.rsplit(":", 1)[1])
        with live.varnish([port], tmp_path, port=varnish_port) as (front, _):
            _warm(front + STORY)
        # Varnish is down now.
        editor = live.Browser()
        editor.login(app, "editor", "a long editor password")
        body = editor.form(f"{app}/admin/news/article/{story}/change/")["body"][0]
        corrected = body.replace("<p>", "<p>Second correction. ", 1)
        editor.correct(app, story, {"body": corrected}, kind="correction")
        assert "Second correction." in live.Browser().get(app + STORY).text
        found, _ = live.until(
            lambda: "purge of" in log.read_text() and log.read_text(),
            seconds=10,
            what="the failed purge in the log",
        )
        assert f"article:{story}" in found and f"127.0.0.1:{varnish_port}" in found


def test_the_address_the_tls_proxy_vouches_for_stays_last_through_varnish(site, tmp_path):
    """Behind nginx and Varnish, the sign-in lockout reads the last X-Forwarded-For entry
    (DATELINE_TRUSTED_PROXY): Varnish's own addition of the proxy's address is taken off
    again, so a wrong password is counted against the client's address."""
    env = {**site["env"], "DATELINE_TRUSTED_PROXY": "1"}
    with live.serve(env, tmp_path / "serve.log", "--workers", "1") as (app, _):
        port = int(app.rsplit(":", 1)[1])
        with live.varnish([port], tmp_path) as (front, _):
            client = live.Browser()
            client.get(front + "/admin/login/")
            client.request(
                front + "/admin/login/",
                {
                    "username": "editor",
                    "password": "wrong",
                    "csrfmiddlewaretoken": client.csrf(),
                },
                headers={"X-Forwarded-For": "203.0.113.7", "Referer": front + "/admin/login/"},
            )
    addresses = live.site_python(
        env,
        "from axes.models import AccessAttempt; "
        "print(sorted(set(AccessAttempt.objects.values_list('ip_address', flat=True))))",
    )
    assert addresses == "['203.0.113.7']"
