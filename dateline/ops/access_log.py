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
this one 12 µs (docs/deploy.md, Logs). The hits `dateline serve` answers on its event loop
are written together once per turn of the loop, not one write(2) each (`_write_soon`).
DATELINE_ACCESS_LOG=0 turns it off.
"""

from __future__ import annotations

import sys
import threading
import time
from asyncio import get_running_loop
from json.encoder import encode_basestring  # json.dumps' own quoting of a str, in C
from threading import get_ident
from time import perf_counter

_lock = threading.Lock()
_second: tuple[int, str] = (0, "")
# The last millisecond written and its text: a busy worker logs several lines in each.
_milli: list = [0, ""]


def _now() -> str:
    """ISO 8601 in UTC to the millisecond; the part up to the second made once a second."""
    global _second
    milli = int(time.time() * 1000)
    if _milli[0] == milli:
        return _milli[1]
    whole, part = divmod(milli, 1000)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    text = f"{_second[1]}.{part:03d}+00:00"
    _milli[:] = milli, text
    return text


def _path(raw: str) -> str:
    # WSGI hands the path as latin-1 text of its bytes; readers' paths are UTF-8.
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _line(environ, status: str, headers, started: float) -> None:
    code = int(status[:3]) if status[:3].isdigit() else 0
    _emit(
        _format(
            environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), code, headers, started
        )
    )


# The part of a line between the time and the status, per method and path: a hit's path
# repeats, and quoting it (and decoding it from WSGI's latin-1) cost a fifth of the line.
_heads: dict[tuple[str, str], str] = {}
_HEADS_MAX = 4096  # paths are the readers' to choose
_CACHE_VALUES = {v: encode_basestring(v) for v in ("hit", "miss", "pass")}
# Two digits from a table: an f-string's format spec (:02d) cost as much as the rest.
_TWO_DIGITS = [f"{i:02d}" for i in range(100)]


def _head(method: str, raw_path: str) -> str:
    head = _heads.get((method, raw_path))
    if head is None:
        if len(_heads) >= _HEADS_MAX:
            _heads.clear()
        head = _heads[method, raw_path] = (
            '","level":"info","logger":"dateline.access",'
            f'"method":{encode_basestring(method)},'
            f'"path":{encode_basestring(_path(raw_path))},"status":'
        )
    return head


def _format(method: str, raw_path: str, code: int, headers, started: float) -> str:
    # Hundredths of a millisecond as whole numbers: a float's repr costs more than the rest.
    hundredths = int((perf_counter() - started) * 100_000)
    cache = '"pass"'
    # The page cache puts X-Cache last or next to last: looked for from the end.
    for name, value in reversed(headers or ()):
        if name == "X-Cache":
            cache = _CACHE_VALUES.get(value) or encode_basestring(value)
            break
    return (
        f'{{"time":"{_now()}{_head(method, raw_path)}{code},'
        f'"ms":{hundredths // 100}.{_TWO_DIGITS[hundredths % 100]},"cache":{cache}}}\n'
    )


def _emit(text: str) -> None:
    # sys.stderr looked up each time: whatever stands there now (a test's capture) gets it.
    # One write at a time, under a lock: the worker's threads never interleave their lines.
    stream = sys.stderr
    with _lock:
        stream.write(text)
        stream.flush()


# Lines of the hits answered on `dateline serve`'s event loop, written together once the
# loop has run the callbacks at hand: one write(2) for all the requests that came in one
# turn of the loop, where a write each was a third of a hit's CPU. Only the loop's thread
# touches this list.
_pending: list[str] = []
# The loop that last took lines and its thread: asking for the running loop costs a
# getpid(2) each time (CPython checks that the loop was not inherited through fork), about
# a microsecond of a hit under granian; a loop that is running on the thread that last
# used it is still the one running there.
_loop = None
_loop_thread = 0


def _write_soon(line: str) -> None:
    global _loop, _loop_thread
    loop = _loop
    if loop is None or _loop_thread != get_ident() or not loop.is_running():
        try:
            loop = get_running_loop()
        except RuntimeError:  # not on a loop (a test, a tool): at once
            _emit(line)
            return
        _loop, _loop_thread = loop, get_ident()
    _pending.append(line)
    if len(_pending) == 1:
        loop.call_soon(_flush_pending)


def _flush_pending() -> None:
    global _pending
    lines, _pending = _pending, []
    if lines:
        _emit("".join(lines))


class AccessLog:
    """Stands in for the application it wraps: what it does not define itself (the page
    cache's `app`, `enabled`, …) is the wrapped one's, so code that reaches through
    config.wsgi.application finds what it would without the log."""

    def __init__(self, app) -> None:
        self.wrapped = app
        # Looked up once: through the wrappers' __getattr__ (the beacon's) it cost a failed
        # attribute lookup and a Python call on every hit.
        self._answer = getattr(app, "answer", None)

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
        result = self._answer(method, path, query, scheme, headers)
        if result is not None:
            _write_soon(_format(method, path, result[0], result[1], started))
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
