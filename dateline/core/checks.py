"""System checks for running several servers (`dateline check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_shared(app_configs=None, **kwargs) -> list[Error]:
    """With CACHE_URL naming Redis, the site runs on several servers. A key each machine made
    for itself (kept in its var/) would differ between them: a session signed by one server
    is refused by the next, and staff are signed out at every other request."""
    if getattr(settings, "CACHE_SHARED", False) and not getattr(
        settings, "DATELINE_SECRET_KEY_SET", True
    ):
        return [
            Error(
                "CACHE_URL names a shared Redis (several servers), but DATELINE_SECRET_KEY "
                "is not set: each server would sign sessions with a key of its own.",
                hint="Set DATELINE_SECRET_KEY, the same on every server.",
                id="dateline.E001",
            )
        ]
    return []
