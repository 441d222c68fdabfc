"""Reading public pages as readers get them: through `config.wsgi.application`, the page
cache in front of Django, exactly as a server runs it; and the truth to compare with, the
same address rendered by Django itself with nothing memoised."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core import signals
from django.db import close_old_connections

from dateline.pagecache import memo


@dataclass(frozen=True)
class Reading:
    status: int
    headers: dict[str, str]
    body: bytes
    # The tags the page declared (read straight from Django only: the cache keeps them).
    deps: frozenset[str] = frozenset()

    @property
    def cache(self) -> str:
        """ "hit", "miss", or "" for a response the page cache does not keep (a 404)."""
        return self.headers.get("X-Cache", "")

    @property
    def text(self) -> str:
        return self.body.decode()

    def shown(self) -> tuple[int, str, bytes]:
        """What a reader gets: the status, where a redirect points, and the bytes."""
        return self.status, self.headers.get("Location", ""), self.body


def _environ(path: str) -> dict:
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }


def read(app, path: str) -> Reading:
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    # As Django's test client does: a request must not close the connection that holds
    # the test's transaction (close_old_connections would, outside autocommit).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = app(_environ(path), start_response)
        try:
            body = b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    marked = getattr(response, "dateline_cache", None)
    deps = frozenset(marked[0]) if marked else frozenset()
    return Reading(seen["status"], seen["headers"], body, deps)


def _application():
    from config.wsgi import application

    return application


def cached(path: str) -> Reading:
    """Through the page cache, as every anonymous reader."""
    return read(_application(), path)


def truth(path: str) -> Reading:
    """What the page is now: rendered by Django with no page cache and no memo."""
    memo.clear()
    return read(_application().app, path)
