"""The two stores Most read counts into: the database with the seen table in a var folder
(one machine), and a private Redis (several servers)."""

from __future__ import annotations

import pytest

from dateline.mostread import beacon
from dateline.mostread.store import LocalStore, RedisStore, use
from dateline.pagecache import memo


@pytest.fixture
def local_store(tmp_path):
    # Counts written when read, in the test's own transaction and thread.
    store = LocalStore(str(tmp_path / "seen"), flush_every=None)
    previous = use(store)
    beacon.visible.clear()
    memo.clear()
    yield store
    use(previous)


@pytest.fixture
def redis_store(tmp_path):
    import shutil

    from dateline.pagecache.tests.conftest import REDIS_SERVER, RedisServer

    if not shutil.which(REDIS_SERVER):
        pytest.skip(f"{REDIS_SERVER} is absent: apt-get install redis-server")
    server = RedisServer(tmp_path)
    server.start()
    store = RedisStore(server.url)
    store.server = server  # for the tests that stop it
    previous = use(store)
    beacon.visible.clear()
    memo.clear()
    yield store
    use(previous)
    server.stop()


@pytest.fixture(params=["database", "redis"])
def counting(request):
    """Each test that counts runs on both stores."""
    name = "local_store" if request.param == "database" else "redis_store"
    return request.getfixturevalue(name)
