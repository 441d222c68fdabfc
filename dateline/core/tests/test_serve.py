"""`dateline serve` end to end: a real server process on a free port, a fresh database."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request

import pytest

from dateline.core.tests.serving import DATELINE, ROOT, make_site, serving, site_env


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture
def server(tmp_path):
    env = site_env(tmp_path / "var")
    make_site(env)
    with serving(env, "--workers", "1") as (url, _):
        yield url


def test_serve_answers_pages_from_the_cache_and_static_files(server):
    status, headers, body = _get(server + "/story/island-ferry-timetable-cut-for-winter/")
    assert status == 200 and b"Island ferry timetable cut for winter" in body
    assert headers["X-Cache"] == "miss"
    status, headers, again = _get(server + "/story/island-ferry-timetable-cut-for-winter/")
    assert headers["X-Cache"] == "hit" and again == body
    status, headers, _ = _get(server + "/static/admin/css/base.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    with pytest.raises(urllib.error.HTTPError) as missing:
        _get(server + "/no/such/page/")
    assert missing.value.code == 404


def _dry_run(tmp_path, **env):
    return subprocess.run(
        [DATELINE, "serve", "--dry-run", "--workers", "3", "--port", "8123"],
        env=site_env(tmp_path / "var", **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_serve_runs_granian_with_the_front_and_its_header_timeout(tmp_path):
    done = _dry_run(tmp_path, DATELINE_HEADER_TIMEOUT="7")
    assert done.returncode == 0, done.stderr
    argv = done.stdout.split()
    assert argv[argv.index("--interface") + 1] == "rsgi"
    assert argv[-1] == "config.rsgi:application"
    assert argv[argv.index("--http1-header-read-timeout") + 1] == "7000"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--loop") + 1] == "uvloop"


def test_serve_refuses_request_limits_it_cannot_keep(tmp_path):
    done = _dry_run(tmp_path, DATELINE_HEADER_TIMEOUT="90", DATELINE_BODY_MIN_RATE_KB="0")
    assert done.returncode == 1
    assert "DATELINE_HEADER_TIMEOUT must be 1 to 60 seconds" in done.stderr
    assert "DATELINE_BODY_MIN_RATE_KB must be at least 1" in done.stderr
