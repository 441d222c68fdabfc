"""Two `dateline serve` on one PostgreSQL and one Redis, as two machines would run them:
each with a var folder of its own, the same secret key. A story published, corrected and
unpublished through one is what the other serves within a second, and both keep caching.

The database is the test's own PostgreSQL database, whatever the suite runs on: several
servers need a database server.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from dateline.core.tests import live
from dateline.core.tests.serving import DATELINE, ROOT, STORY, make_site, site_env

SECOND = 1.0
PASSWORD = "a long editor password"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("servers")
    with live.postgres_database() as database, live.redis(root) as cache:
        shared = {
            "DATABASE_URL": database,
            "CACHE_URL": cache,
            "DATELINE_SECRET_KEY": "the same on every server " + "k" * 40,
        }
        env_a = {**site_env(root / "a" / "var"), **shared}
        env_b = {**site_env(root / "b" / "var"), **shared}
        make_site(env_a)
        live.add_editor(env_a, "editor", PASSWORD)
        ids = json.loads(
            live.site_python(
                env_a,
                "import json; from dateline.news.models import Article; "
                "print(json.dumps({a.slug: a.pk for a in Article.objects.all()}))",
            )
        )
        with (
            live.serve(env_a, root / "a.log", "--workers", "1") as (a, _),
            live.serve(env_b, root / "b.log", "--workers", "1") as (b, _),
        ):
            yield {
                "a": a,
                "b": b,
                "ids": ids,
                "logs": (root / "a.log", root / "b.log"),
                "envs": (env_a, env_b),
                "root": root,
            }


def _cached_on_both(servers, path: str) -> None:
    for base in (servers["a"], servers["b"]):
        reader = live.Browser()
        reader.get(base + path)
        assert reader.get(base + path).headers["X-Cache"] == "hit", base


def _seen_within_a_second(base: str, path: str, check) -> live.Response:
    """Poll `base + path` until `check(response)`; fail if that took a second or more."""
    reader = live.Browser()
    page, took = live.until(
        lambda: (r := reader.get(base + path)) and check(r) and r,
        seconds=5,
        what=f"{base}{path}",
    )
    assert took < SECOND, f"{base}{path} showed the change after {took:.2f} s"
    return page


def test_a_change_through_either_server_is_served_by_both_within_a_second(servers):
    a, b = servers["a"], servers["b"]
    dredging = next(v for k, v in servers["ids"].items() if k.startswith("dredging"))
    path = next(f"/story/{k}/" for k in servers["ids"] if k.startswith("dredging"))
    headline = "Dredging of the inner harbour begins next month"

    # Signed in on one server; the session works on the other (it is in the database).
    editor = live.Browser()
    editor.login(a, "editor", PASSWORD)
    assert editor.get(b + "/newsroom/").status == 200  # not sent to sign in again
    editor.newsroom_action(a, "unpublish", dredging, note="Held for legal")
    _seen_within_a_second(b, "/", lambda r: headline not in r.text)

    # Published on A: B's front page, cached a moment ago, shows it.
    _cached_on_both(servers, "/")
    editor.newsroom_action(a, "publish", dredging)
    for base in (b, a):
        _seen_within_a_second(base, "/", lambda r: headline in r.text)
    _cached_on_both(servers, "/")

    # Corrected on B (the session from A): A's cached page shows the correction.
    _cached_on_both(servers, path)
    body = editor.form(f"{b}/admin/news/article/{dredging}/change/")["body"][0]
    corrected = body.replace("six weeks", "eight weeks")
    assert corrected != body
    editor.correct(b, dredging, {"body": corrected}, kind="correction")
    for base in (a, b):
        _seen_within_a_second(base, path, lambda r: "eight weeks" in r.text)
    _cached_on_both(servers, path)

    # Unpublished on A: gone from B at once.
    editor.newsroom_action(a, "unpublish", dredging, note="Held for legal")
    for base in (b, a):
        _seen_within_a_second(base, path, lambda r: r.status == 404)
        _seen_within_a_second(base, "/", lambda r: headline not in r.text)
    # The other story's page links this one: served fresh, and cached again, on both.
    _cached_on_both(servers, STORY)
    for log in servers["logs"]:
        assert "Traceback" not in log.read_text()


def test_several_servers_without_a_shared_secret_key_fail_the_deploy_check(settings):
    from dateline.core.checks import secret_key_shared

    settings.CACHE_SHARED, settings.DATELINE_SECRET_KEY_SET = True, False
    assert [e.id for e in secret_key_shared()] == ["dateline.E001"]
    settings.DATELINE_SECRET_KEY_SET = True
    assert secret_key_shared() == []
    settings.CACHE_SHARED, settings.DATELINE_SECRET_KEY_SET = False, False
    assert secret_key_shared() == []  # one machine: the key kept in var/ is everyone's


def test_one_wire_poller_runs_among_the_servers_and_another_takes_over(servers):
    """`dateline ingest --watch` on both servers: one polls (it holds the PostgreSQL advisory
    lock), the other waits, and takes over when the first stops."""
    watchers = []
    for n, env in enumerate(servers["envs"]):
        log = servers["root"] / f"ingest-{n}.log"
        out = open(log, "w")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [DATELINE, "ingest", "--watch"],
            env={**env, "PYTHONUNBUFFERED": "1"},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        watchers.append((proc, log, out))
        if n == 0:  # the first holds the lock before the second starts
            live.until(
                lambda log=log: "Polling the wire" in log.read_text(), seconds=30, what="poller"
            )
    try:
        (first, _, _), (second, second_log, _) = watchers
        live.until(
            lambda: "waiting to take over" in second_log.read_text(), seconds=30, what="standby"
        )
        assert "Polling the wire" not in second_log.read_text()
        live.stop(first)
        live.until(
            lambda: "Polling the wire" in second_log.read_text(), seconds=30, what="take over"
        )
        assert second.poll() is None
    finally:
        for proc, _, out in watchers:
            live.stop(proc)
            out.close()
