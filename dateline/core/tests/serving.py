"""A real `dateline serve` for the tests: a fresh SQLite database in a temporary var folder,
the ninjs fixture stories imported, production settings, a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "dateline" / "ingest" / "tests" / "fixtures" / "ninjs" / "related-any-order"
DATELINE = str(Path(sys.executable).with_name("dateline"))
STORY = "/story/island-ferry-timetable-cut-for-winter/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_env(var: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_VAR_DIR": str(var),
        "DATELINE_ALLOWED_HOSTS": "127.0.0.1",
        "DATELINE_DEBUG": "0",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    return env


def make_site(env: dict[str, str]) -> None:
    if not shutil.which(DATELINE):
        pytest.fail(f"{DATELINE} is not installed: run `pip install -e .` (make test does)")
    run = dict(env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    subprocess.run([DATELINE, "migrate", "--noinput", "-v0"], **run)
    subprocess.run([DATELINE, "import", "ninjs", str(FIXTURES)], **run)


@contextmanager
def serving(env: dict[str, str], *args: str):
    """`dateline serve` on a free port until the block ends; yields (base URL, port)."""
    port = free_port()
    proc = subprocess.Popen(
        [DATELINE, "serve", "--port", str(port), *args],
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
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
