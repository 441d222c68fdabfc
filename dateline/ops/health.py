"""`/healthz`: whether this server can do its work, part by part, for a load balancer or a
monitor. Each part answers ok or fail and nothing more (the reason goes to the log, not to
whoever asked); any failing part makes the answer 503, so a balancer stops sending readers
to this server. Asked often, so each check is one cheap round trip."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger("dateline.health")


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def redis() -> None:
    # The Redis the page cache's versions live in (the same CACHE_URL as Django's cache),
    # through its own short timeouts.
    from dateline.pagecache.versions import versions

    versions().check()


def storage() -> None:
    try:
        root = Path(default_storage.path(""))
    except NotImplementedError:
        # A bucket: one listing of its top level (pictures/, renditions/), which fails for
        # a bucket that is gone or keys it refuses; a missing object would not.
        default_storage.listdir("")
        return
    # A folder is made on the first upload: until then its parent must take it.
    folder = root if root.exists() else root.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"{folder} is not writable")


def parts() -> dict:
    """The checks this server needs: Redis only when the cache is shared (CACHE_URL)."""
    checks = {"database": database}
    if settings.CACHE_SHARED:
        checks["redis"] = redis
    checks["storage"] = storage
    return checks


def public(view):
    """Marks a view anyone may call, signed in or not, and says so where it is written:
    nothing it answers depends on who asks."""
    view.dateline_public = True
    return view


@public
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    answer = {}
    for name, check in parts().items():
        try:
            check()
            answer[name] = "ok"
        except Exception:
            log.exception("health check failed: %s", name)
            answer[name] = "fail"
    healthy = all(state == "ok" for state in answer.values())
    return JsonResponse(answer, status=200 if healthy else 503)
