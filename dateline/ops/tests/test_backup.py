"""`dateline backup` and `dateline restore` as a site owner runs them, each in its own
process: a site restored into an empty install serves the same bytes for every page, feed,
sitemap and picture, on the database the suite runs on (PostgreSQL: two databases of the
test's own, made and dropped here)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

# Backup and restore go through the suite's own engine (pg_dump on PostgreSQL), by a process
# of their own, not through the test's connection: run on both engines all the same.
pytestmark = pytest.mark.engine("sqlite", "postgresql")

# What a site owner's shell would not have set, or what the suite sets for itself.
_UNSET = (
    "DATABASE_URL",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DATELINE_MEDIA_URL",
    "DATELINE_MEDIA_ROOT",
    "DATELINE_SECRET_KEY",
    "DATELINE_DEBUG",
)


def _site(var_dir, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env.update(
        DATELINE_VAR_DIR=str(var_dir),
        DATELINE_ALLOWED_HOSTS="testserver",
        DATELINE_ACCESS_LOG="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def dateline(env, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "dateline.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert done.returncode == 0, f"dateline {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def snapshot(env) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "dateline.ops.tests.site_snapshot"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextmanager
def _databases(count: int):
    """`count` database URLs: on PostgreSQL new databases beside the suite's, dropped
    after; on SQLite Nones (each site keeps its file in its var/)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield [None] * count
        return
    import psycopg

    server = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres")
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    names = [f"{db['NAME']}_backup_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    with psycopg.connect(**server, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = urlsplit(os.environ.get("DATABASE_URL", ""))
            yield [urlunsplit(base._replace(path=f"/{name}")) for name in names]
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """The demo site, what it serves, and its backup; and two database URLs for installs
    to restore into."""
    root = tmp_path_factory.mktemp("backup")
    with _databases(3) as (site_db, *targets):
        site = _site(root / "site", site_db)
        dateline(site, "migrate", "--noinput")
        dateline(site, "demo")
        served = snapshot(site)
        backup = root / "backup"
        done = dateline(site, "backup", str(backup))
        yield site, backup, served, done.stdout, targets


def test_a_site_restored_into_an_empty_install_serves_the_same_bytes(backed_up, tmp_path):
    _, backup, before, said, (target, _) = backed_up
    # The demo's 50 pictures, and the renditions the snapshot's requests made.
    assert int(re.search(r"(\d+) media files", said).group(1)) > 50
    assert (backup / "backup.json").is_file()

    restored = _site(tmp_path / "restored", target)
    done = dateline(restored, "restore", str(backup))
    assert "restored the" in done.stdout
    # A long job shows how far it is: the media files, with rate and ETA, on stderr.
    media = int(re.search(r"and (\d+) media files", done.stdout).group(1))
    assert f"{media:,}/{media:,} media files · " in done.stderr
    after = snapshot(restored)

    pages = [p for p in before if not p.startswith("/media/")]
    pictures = [p for p in before if p.startswith("/media/")]
    assert len(pages) > 50 and len(pictures) > 10, "the demo site's pages and pictures"
    assert all(status == 200 for status, _ in before.values())
    assert after == before


def test_a_damaged_backup_is_refused_before_anything_is_touched(backed_up, tmp_path):
    _, backup, _, _, (_, target) = backed_up
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    picture = next((damaged / "media" / "pictures").rglob("*.jpg"))
    picture.write_bytes(picture.read_bytes()[:-10])

    restored = _site(tmp_path / "restored", target)
    refused = dateline(restored, "restore", str(damaged), ok=False)
    assert refused.returncode != 0
    assert "the backup is damaged: media/pictures/" in refused.stderr
    assert not (tmp_path / "restored" / "media").exists()


def test_restore_refuses_a_site_that_is_not_empty_and_says_what_it_holds(backed_up):
    site, backup, _, _, _ = backed_up
    refused = dateline(site, "restore", str(backup), ok=False)
    assert refused.returncode != 0
    assert "this site is not empty (48 stories, 50 pictures" in refused.stderr
    assert "Run again with --replace" in refused.stderr

    done = dateline(site, "restore", str(backup), "--replace")
    assert "restored the" in done.stdout


def test_backup_refuses_a_folder_that_already_holds_files(tmp_path):
    site = _site(tmp_path / "site", None)
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "last-week.txt").write_text("an older backup")
    refused = dateline(site, "backup", str(tmp_path / "backup"), ok=False)
    assert refused.returncode != 0
    assert "is not an empty folder" in refused.stderr
