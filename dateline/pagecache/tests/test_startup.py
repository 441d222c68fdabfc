"""A cache configuration Dateline cannot honour stops it at start with one line: an
unknown CACHE_URL scheme (it used to fall back to per-process versions while claiming
to be shared), or a Redis that cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import _cache
from dateline.pagecache.tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
DATELINE = str(Path(sys.executable).with_name("dateline"))


def _run(argv: list[str], tmp_path, cache_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_VAR_DIR": str(tmp_path / "var"),
        "CACHE_URL": cache_url,
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def _one_line(run: subprocess.CompletedProcess) -> str:
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "redis-sentinel://h/0", "h:6379"])
def test_an_unknown_cache_url_scheme_is_refused(url):
    with pytest.raises(ImproperlyConfigured) as refused:
        _cache(url)
    message = str(refused.value)
    assert "redis://, rediss://, unix://, locmem://, dummy://" in message
    assert "6379" not in message  # the scheme only: the rest may hold a password


def test_dateline_serve_stops_at_once_on_an_unknown_cache_url_scheme(tmp_path):
    port = free_port()
    run = _run([DATELINE, "serve", "--port", str(port)], tmp_path, "memcache://127.0.0.1:11211")
    line = _one_line(run)
    assert line.startswith("dateline: CACHE_URL has scheme memcache://")
    assert "redis://" in line and "locmem://" in line


def test_dateline_serve_stops_at_once_when_redis_cannot_be_reached(tmp_path):
    port, dead = free_port(), free_port()
    url = f"redis://:hush-hush@127.0.0.1:{dead}/0"
    run = _run([DATELINE, "serve", "--port", str(port)], tmp_path, url)
    line = _one_line(run)
    assert line.startswith(f"dateline: cannot reach Redis at redis://127.0.0.1:{dead}/0")
    assert "hush-hush" not in line
    assert "Dateline is serving" not in run.stdout


def test_the_wsgi_application_stops_at_once_when_redis_cannot_be_reached(tmp_path):
    (tmp_path / "var" / "static").mkdir(parents=True)  # collected, as `dateline serve` does
    dead = free_port()
    run = _run(
        [sys.executable, "-c", "import config.wsgi"], tmp_path, f"redis://127.0.0.1:{dead}/0"
    )
    assert _one_line(run).startswith(f"dateline: cannot reach Redis at redis://127.0.0.1:{dead}")


def test_the_wsgi_application_starts_with_a_reachable_redis(tmp_path, redis_server):
    run = _run([sys.executable, "-c", "import config.wsgi"], tmp_path, redis_server.url)
    assert run.returncode == 0, run.stderr
