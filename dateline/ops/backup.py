"""Backups a site owner can trust: the database through its own tools, every media file
from storage, and a manifest with each file's SHA-256, checked whole before a restore
touches anything.

A backup folder holds:
  database.pgdump    pg_dump's custom format (PostgreSQL), restored with pg_restore
  database.sqlite3   a copy made with SQLite's online backup API (SQLite): consistent while
                     the site keeps writing, unlike a copy of the file
  media/…            every file in storage under its own name (pictures, renditions)
  backup.json        what the backup is and each file's SHA-256; written last, so a backup
                     that stopped half-way has none and is never restored

The database is copied before the media: a picture uploaded meanwhile leaves a file no row
names (harmless), never a row without its file. A restore goes into the same kind of
database the backup came from (PostgreSQL to PostgreSQL, SQLite to SQLite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection

FORMAT = 1
MANIFEST = "backup.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


class TargetNotEmpty(BackupError):
    """A restore would replace a site's content and was not told it may."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def storage_files(storage: Storage = default_storage, folder: str = "") -> Iterator[str]:
    """Every file's name in `storage`, folders first walked depth-first."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder storage nothing was ever uploaded to
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from storage_files(storage, f"{folder}/{sub}" if folder else sub)


def _vendor() -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(f"Dateline backs up PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


def _pg_env() -> dict[str, str]:
    """libpq's variables for Django's connection: the password never on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _run(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: it comes with PostgreSQL's client tools (Debian: "
            "apt install postgresql-client), of the server's major version or newer"
        )
    done = subprocess.run([tool, *args], env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """SQLite's online backup API: a consistent copy while others may be writing."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup_make(*, folder: Path, progress: Callable[[int, int, float], None] | None = None) -> dict:
    """Back the site up into `folder` (new or empty); the manifest written. `progress(done,
    total, seconds)` after each media file (dateline.core.progress.Progress)."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder: give a new one for each backup")
    vendor = _vendor()
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / DUMPS[vendor]
    if vendor == "postgresql":
        _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}")
    else:
        _sqlite_copy(connection.settings_dict["NAME"], dump)
        # One self-contained file: no -wal beside it, whatever mode the site's file uses.
        with sqlite3.connect(dump) as db:
            db.execute("PRAGMA journal_mode=DELETE")
    files = {dump.name: _sha256(dump)}
    media = folder / MEDIA
    names = list(storage_files())
    started = time.monotonic()
    for done, name in enumerate(names, 1):
        target = media / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Hashed as it is copied: a media library is read once, not copied and read again.
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as src, open(target, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
        files[f"{MEDIA}/{name}"] = digest.hexdigest()
        if progress is not None:
            progress(done, len(names), time.monotonic() - started)
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "site_url": settings.SITE_URL,
        "files": files,
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.replace(folder / MANIFEST)
    return manifest


def backup_read(folder: Path) -> dict:
    """The manifest of the backup in `folder`, every file checked against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder} holds no finished backup (no {MANIFEST}): a backup that stopped "
            "half-way is never restored"
        ) from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"cannot read {folder / MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup of format {manifest.get('format')}, not {FORMAT}")
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {name} is missing")
        if _sha256(path) != digest:
            raise BackupError(f"the backup is damaged: {name} is not what was backed up")
    return manifest


def target_contents() -> list[str]:
    """What this install already holds that a restore would replace, for the user."""
    from django.contrib.auth.models import User

    from dateline.news.models import Article, Section
    from dateline.pictures.models import Picture

    held = []
    tables = set(connection.introspection.table_names())
    for model, noun in ((Article, "stories"), (Picture, "pictures"), (Section, "sections")):
        if model._meta.db_table in tables:
            count = model.objects.count()
            if count:
                held.append(f"{count} {noun}")
    if User._meta.db_table in tables and (count := User.objects.count()):
        held.append(f"{count} user{'s' if count > 1 else ''}")
    media = sum(1 for _ in storage_files())
    if media:
        held.append(f"{media} media file{'s' if media > 1 else ''}")
    return held


def _drop_tables() -> None:
    """Empty the database for the dump (pg_restore --clean drops only what the dump has)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def restore_apply(
    *,
    folder: Path,
    replace: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
) -> dict:
    """Restore the backup in `folder` into this install: its database and media storage.
    TargetNotEmpty, naming what is there, unless the install is empty or `replace`.
    `progress(done, total, seconds)` after each media file."""
    folder = Path(folder)
    manifest = backup_read(folder)
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(
            f"the backup is of a {manifest['database']} database and this site uses "
            f"{vendor}: restore it into the same kind (DATABASE_URL)"
        )
    held = target_contents()
    if held and not replace:
        raise TargetNotEmpty(
            "this site is not empty (" + ", ".join(held) + "); restoring would replace all "
            "of it with the backup. Run again with --replace to do so."
        )
    dump = folder / DUMPS[vendor]
    if vendor == "postgresql":
        _drop_tables()
        connection.close()
        _run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        )
    else:
        connection.close()
        _sqlite_copy(dump, connection.settings_dict["NAME"])
    for name in list(storage_files()):
        default_storage.delete(name)
    prefix = f"{MEDIA}/"
    media = sorted(n[len(prefix) :] for n in manifest["files"] if n.startswith(prefix))
    started = time.monotonic()
    for done, name in enumerate(media, 1):
        with open(folder / MEDIA / name, "rb") as fh:
            stored = default_storage.save(name, File(fh, name=name))
        if stored != name:
            raise BackupError(f"storage kept {name} as {stored}: is it shared with another site?")
        if progress is not None:
            progress(done, len(media), time.monotonic() - started)
    _forget_pages()
    return {"database": vendor, "media": len(media), "created": manifest["created"]}


def _forget_pages() -> None:
    """Pages kept from before the restore must not be served after it. With Redis, a reset
    gives the versions a new epoch, which every server compares; each process's memory
    (and a CDN's) otherwise goes with a restart, which the command asks for."""
    from dateline.pagecache import memo
    from dateline.pagecache.wsgi import store

    if settings.CACHE_SHARED:
        from dateline.pagecache.versions import versions

        versions().reset()
    memo.clear()
    store.clear()
