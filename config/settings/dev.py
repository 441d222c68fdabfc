"""`make run`: debug on unless DATELINE_DEBUG says otherwise."""

from config import env
from config.settings.base import *  # noqa: F403

DEBUG = env._bool("DATELINE_DEBUG", True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Mails (newsletters, confirmations) printed where `make run` shows its log.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
