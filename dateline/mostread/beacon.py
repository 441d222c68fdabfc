"""The read beacon: `POST /b` with a story's id as its body, sent by the article page's
one line of script (`navigator.sendBeacon`, news/jinja2/news/article.html).

Answered in front of the page cache and of Django (config/wsgi.py): no middleware, no
session, no cookie read or set, no template, so a beacon costs a WSGI thread for the time
of a few checks and one call to the store (store.py), and kept article pages go on being
hits while beacons arrive. What it answers:

- 204: taken (counted, or quietly not: a bot, a repeat within the window, which a client
  is not told);
- 405 for any method but POST; 413 for a body longer than an id; 400 for a body that is
  not an id; 403 for a request another site's page made (`Sec-Fetch-Site: cross-site`);
- 404 for an id that is no visible story (asked once a minute per id at most).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from dateline.mostread import bots
from dateline.mostread.store import store

log = logging.getLogger("dateline.mostread")

PATH = "/b"
MAX_BODY = 12  # an id: ten digits and then some room
_NO_STORE = [("Cache-Control", "no-store"), ("Content-Length", "0")]
_REASONS = {
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    503: "503 Service Unavailable",
}


class _Visible:
    """Whether a story is visible now, remembered for TTL seconds (a flood of beacons
    for one story asks the database once a minute, a flood of made-up ids fills a bounded
    table)."""

    TTL = 60.0
    SIZE = 10_000

    def __init__(self) -> None:
        self._known: dict[int, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, story: int, now: float) -> bool:
        known = self._known.get(story)
        if known is not None and known[1] > now:
            return known[0]
        from dateline.news.models import Article

        visible = Article.objects.published().filter(pk=story).exists()
        with self._lock:
            if len(self._known) >= self.SIZE:
                self._known.clear()
            self._known[story] = (visible, now + self.TTL)
        return visible

    def clear(self) -> None:
        self._known.clear()


visible = _Visible()


def client_address(environ) -> str:
    """As the sign-in lockout reads it (newsroom/lockout.py): behind the trusted proxy,
    the last X-Forwarded-For entry, the one it vouches for; else the peer."""
    if getattr(settings, "DATELINE_TRUSTED_PROXY", False):
        last = environ.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if last:
            return last
    return environ.get("REMOTE_ADDR", "")


def _read_id(environ) -> int | None | str:
    """The story id in the body; "large" when the body is longer than an id."""
    length = environ.get("CONTENT_LENGTH") or "0"
    if not length.isdigit():
        return None
    if int(length) > MAX_BODY:
        return "large"
    raw = environ["wsgi.input"].read(int(length)) if int(length) else b""
    raw = raw.strip()
    if not raw.isdigit() or not raw.isascii() or len(raw) > 10:
        return None
    story = int(raw)
    return story if 0 < story < 2**31 else None


def answer(environ) -> int:
    """The status of a beacon, having counted it if it is to be counted."""
    if environ.get("REQUEST_METHOD") != "POST":
        return 405
    if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        return 403
    story = _read_id(environ)
    if story == "large":
        return 413
    if story is None:
        return 400
    agent = environ.get("HTTP_USER_AGENT", "")[:512]
    if bots.is_bot(agent):
        return 204
    now = time.time()
    if not visible(story, now):
        return 404
    store().count(client_address(environ), story, now)
    return 204


class Beacon:
    """WSGI: beacons here, everything else to the application it wraps. Stands in for
    that application otherwise (`answer`, `enabled`, … of the page cache)."""

    def __init__(self, app) -> None:
        self.wrapped = app
        # The bot list's 600 patterns compiled now (0.15 s), not in the first reader's
        # beacon.
        bots.is_bot("Mozilla/5.0")
        self._failed_at = 0.0

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.wrapped(environ, start_response)
        try:
            status = answer(environ)
        except Exception:
            # A count lost, never a reader's error: the page itself is not involved. Logged
            # once a minute (Redis or the database away would fail every beacon), and this
            # thread's connection dropped, to be opened afresh by the next beacon.
            if time.monotonic() - self._failed_at > 60:
                self._failed_at = time.monotonic()
                log.exception("most read: the beacon failed")
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()
            status = 503
        headers = list(_NO_STORE)
        if status == 405:
            headers.append(("Allow", "POST"))
        start_response(_REASONS[status], headers)
        return [b""]


@csrf_exempt
def beacon_view(request: HttpRequest) -> HttpResponse:
    """The same beacon for a server that runs Django's own handler, not config/wsgi.py (the
    test suite's live servers): one answer, whichever way a beacon arrives. CSRF does not
    apply: a beacon acts for nobody and carries only a story's id."""
    status = answer(request.META)
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    if status == 405:
        response["Allow"] = "POST"
    return response
