"""The test suite: real database from DATABASE_URL, private var/ and media folders."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["*"]
# Each test run gets its own var/ (page-cache versions) and media folder.
VAR_DIR = Path(tempfile.mkdtemp(prefix="dateline-test-var-"))
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not Django's shared-cache memory database: there, two
    # requests of the live server writing at once get "table is locked" at once, where WAL
    # and the busy timeout make the second wait its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# Whatever the machine's environment says: no cache in front to purge, the default tag header.
DATELINE_PURGE_URLS = []
DATELINE_CACHE_TAG_HEADERS = ("xkey",)
# No bound in the suite: a connection that has one costs a `SET` on its first reader request,
# which the pinned query counts would then count or not by test order. The bound's own
# tests set it (dateline/core/tests/test_timeouts.py).
DATELINE_READER_STATEMENT_TIMEOUT_MS = 0
