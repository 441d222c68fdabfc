"""Suite-wide test wiring."""

import os
from pathlib import Path

import pytest

from config import env

SHARED = env.SHARED_DIR

# Chromium fixtures for the browser tests.
pytest_plugins = ["dateline.news.tests.browser"]


@pytest.fixture
def shared_dir() -> Path:
    """../shared/ (seed, corpora, standards). Absent on a user's machine; always in CI."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the seed and corpora live beside the project in CI")
    return SHARED


@pytest.fixture(autouse=True)
def _one_archive_block(monkeypatch):
    """The whole test archive in one block, so `/sitemaps/articles.xml` (block 0) lists
    every story: on PostgreSQL story ids keep climbing from test to test (sequences are not
    rolled back), and a story would otherwise land in whichever block its id falls in.
    Tests of the blocks themselves set a small size of their own."""
    from dateline.news.models import archive

    monkeypatch.setattr(archive, "BLOCK_SIZE", 10**9)


@pytest.fixture(autouse=True)
def _fresh_page_cache(settings):
    from dateline.pagecache import memo
    from dateline.pagecache.versions import versions
    from dateline.pagecache.wsgi import store

    memo.clear()
    store.clear()
    versions().reset()
    yield
    memo.clear()
    store.clear()


# What a test asks for when it reads or writes the suite's database (pytest-django).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
        "_django_db_helper",
    }
)


def uses_the_database(item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config, items):
    """CI runs the suite once on each engine. A test marked `engine("postgresql")` checks
    what only that engine has (its planner, its sequences): it is left out of the other
    engine's run, not skipped in it, so a skip still means something that should have run
    did not. A test that never touches the suite's database (pytest-django refuses it any
    access) gives the same answer on either engine: it runs in the SQLite run only."""
    from django.db import connection

    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("engine")
        if marker:
            runs_here = connection.vendor in marker.args
        else:
            runs_here = connection.vendor == "sqlite" or uses_the_database(item)
        (kept if runs_here else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # In CI nothing may be skipped: a missing browser or corpus is a failure there.
    if os.environ.get("DATELINE_NO_SKIPS") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run everything: {report.longrepr}"


def pytest_sessionfinish(session, exitstatus):
    # The test settings give each run its own var/ and media folder under /tmp.
    import shutil

    from django.conf import settings

    if settings.configured and "dateline-test-var-" in str(settings.VAR_DIR):
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)
