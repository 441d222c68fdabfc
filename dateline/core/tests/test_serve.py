"""`dateline serve` end to end: a real server process on a free port, a fresh database."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from dateline.core.tests.serving import make_site, serving, site_env


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
