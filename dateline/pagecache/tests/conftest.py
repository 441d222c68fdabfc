"""A small site to cache, and a private redis-server per test that asks for one: started
on a free port, keeping nothing on disk (as ours runs), stopped and started again at will."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from dateline.pagecache.tests.client import commit

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, directory) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)  # waiting for the port to open, not timing anything

    def stop(self) -> None:
        """Killed, as a crash or an out-of-memory kill would: nothing is saved."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which(REDIS_SERVER):
        pytest.skip(f"{REDIS_SERVER} is absent: apt-get install redis-server")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_versions(redis_server):
    """The page cache's versions in the private Redis, retrying at once after a failure
    (in production a second passes between attempts)."""
    from dateline.pagecache.versions import RedisVersions, use

    store = RedisVersions(redis_server.url, retry_seconds=0)
    previous = use(store)
    yield store
    use(previous)
    store.close()


@pytest.fixture
def world(db):
    from dateline.news.tests import factories

    news = factories.section("Harbour")
    sport = factories.section("Sport")
    a = factories.article(headline="Quay reopens", section_obj=news)
    b = factories.article(headline="Ferry strike ends", section_obj=news)
    c = factories.article(headline="Rowing club wins", section_obj=sport)
    commit()
    return {"news": news, "sport": sport, "a": a, "b": b, "c": c}
