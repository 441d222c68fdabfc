"""One log line per request (logger `dateline.access`, JSON through ops/logs.py): method,
path, status, time in milliseconds and what the page cache did, `hit` (answered from
memory), `miss` (rendered and kept) or `pass` (not a page the cache keeps: the desk, a
form, a file, an error).

Wraps the page cache (config/wsgi.py), so hits are counted too, including those
`dateline serve`'s front answers on its event loop through `hit`. The path is logged
without its query string, which may carry what a reader typed or a token. The time is the
application's, to its last header and first bytes; a streamed file's sending is not in it.
Answers the front gives itself before the application runs (413, 408) are not logged here.
"""

from __future__ import annotations

import logging
from time import perf_counter

log = logging.getLogger("dateline.access")


def _path(environ) -> str:
    # WSGI hands the path as latin-1 text of its bytes; readers' paths are UTF-8.
    raw = environ.get("PATH_INFO", "")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _line(environ, status: str, headers, started: float) -> None:
    cache = "pass"
    for name, value in headers or ():
        if name == "X-Cache":
            cache = value
            break
    log.info(
        "request",
        extra={
            "fields": {
                "method": environ.get("REQUEST_METHOD", ""),
                "path": _path(environ),
                "status": int(status[:3]) if status[:3].isdigit() else 0,
                "ms": round((perf_counter() - started) * 1000, 2),
                "cache": cache,
            }
        },
    )


class AccessLog:
    """Stands in for the application it wraps: what it does not define itself (the page
    cache's `app`, `enabled`, …) is the wrapped one's, so code that reaches through
    config.wsgi.application finds what it would without the log."""

    def __init__(self, app) -> None:
        self.wrapped = app

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)

    def __call__(self, environ, start_response):
        started = perf_counter()
        seen: list = ["500 Internal Server Error", None]

        def start(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        try:
            return self.wrapped(environ, start)
        finally:
            _line(environ, seen[0], seen[1], started)

    def hit(self, environ, start_response):
        """The page cache's answer from memory, if it has one (None: the request goes on
        to __call__, which logs it then)."""
        started = perf_counter()
        seen: list = []

        def start(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.wrapped.hit(environ, start)
        if result is not None:
            _line(environ, seen[0], seen[1], started)
        return result
