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
