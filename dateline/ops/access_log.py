"""One log line per request, JSON, on standard error: time, method, path, status, time in
milliseconds and what the page cache did, `hit` (answered from memory), `miss` (rendered
and kept) or `pass` (not a page the cache keeps: the desk, a form, a file, an error). The
line has the shape of every other log line (`level`, `logger`: dateline.access;
ops/logs.py), so one collector reads both.

Wraps the page cache (config/wsgi.py), so hits are counted too, including those
`dateline serve`'s front answers on its event loop through `hit`. The path is logged
without its query string, which may carry what a reader typed or a token. The time is the
application's, to its last header and first bytes; a streamed file's sending is not in it.
Answers the front gives itself before the application runs (413, 408) are not logged here.

Written straight to the stream, not through `logging`: on this 2-core machine under load a
page-cache hit cost 15-20 µs in process, a line through a logger and a JSON formatter 32 µs,
this one 12 µs (docs/deploy.md, Logs). DATELINE_ACCESS_LOG=0 turns it off.
"""

from __future__ import annotations

import sys
import threading
import time
from json.encoder import encode_basestring  # json.dumps' own quoting of a str, in C
from time import perf_counter

_lock = threading.Lock()
_second: tuple[int, str] = (0, "")


def _now() -> str:
    """ISO 8601 in UTC to the millisecond; the part up to the second made once a second."""
    global _second
    now = time.time()
    whole = int(now)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{int((now - whole) * 1000):03d}+00:00"


def _path(raw: str) -> str:
    # WSGI hands the path as latin-1 text of its bytes; readers' paths are UTF-8.
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _line(environ, status: str, headers, started: float) -> None:
    code = int(status[:3]) if status[:3].isdigit() else 0
    _write(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), code, headers, started)


def _write(method: str, raw_path: str, code: int, headers, started: float) -> None:
    # Hundredths of a millisecond as whole numbers: a float's repr costs more than the rest.
    hundredths = int((perf_counter() - started) * 100_000)
    ms = f"{hundredths // 100}.{hundredths % 100:02d}"
    cache = "pass"
    for name, value in headers or ():
        if name == "X-Cache":
            cache = value
            break
    line = (
        f'{{"time":"{_now()}","level":"info","logger":"dateline.access",'
        f'"method":{encode_basestring(method)},'
        f'"path":{encode_basestring(_path(raw_path))},"status":{code},'
        f'"ms":{ms},"cache":{encode_basestring(cache)}}}\n'
    )
    # sys.stderr looked up each time: whatever stands there now (a test's capture) gets it.
    # One write a line, under a lock: the worker's threads never interleave their lines.
    stream = sys.stderr
    with _lock:
        stream.write(line)
        stream.flush()


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

    def answer(self, method, path, query, scheme, headers):
        """The page cache's answer on `dateline serve`'s event loop, before any environ is
        built (config/rsgi.py): logged when it is one; None goes on to __call__."""
        started = perf_counter()
        result = self.wrapped.answer(method, path, query, scheme, headers)
        if result is not None:
            _write(method, path, result[0], result[1], started)
        return result

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
