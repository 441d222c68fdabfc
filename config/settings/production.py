"""`dateline serve` and every CLI command outside `make run` and the tests."""

from config.settings.base import *  # noqa: F403

SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [SITE_URL]  # noqa: F405
