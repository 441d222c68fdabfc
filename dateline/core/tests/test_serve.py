"""`dateline serve` end to end: a real server process on a free port, a fresh database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "dateline" / "ingest" / "tests" / "fixtures" / "ninjs" / "related-any-order"
DATELINE = str(Path(sys.executable).with_name("dateline"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture
def server(tmp_path):
    if not shutil.which(DATELINE):
        pytest.fail(f"{DATELINE} is not installed: run `pip install -e .` (make test does)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_VAR_DIR": str(tmp_path / "var"),
        "DATELINE_ALLOWED_HOSTS": "127.0.0.1",
        "DATELINE_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    run = dict(env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    subprocess.run([DATELINE, "migrate", "--noinput", "-v0"], **run)
    subprocess.run([DATELINE, "import", "ninjs", str(FIXTURES)], **run)
    port = _free_port()
    proc = subprocess.Popen(
        [DATELINE, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("dateline serve did not start:\n" + (proc.stdout.read() or ""))
            time.sleep(0.1)  # waiting for the port to open, not timing anything
    yield f"http://127.0.0.1:{port}"
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)


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
