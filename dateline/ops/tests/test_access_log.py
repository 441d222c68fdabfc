"""One JSON line per request through the served application (config.wsgi.application):
method, path, status, time and what the page cache did."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from dateline.news.tests import factories, readers
from dateline.ops.access_log import AccessLog
from dateline.ops.logs import JsonFormatter
from dateline.pagecache.wsgi import EnvironHeaders


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]


def _access(lines: list[dict]) -> list[dict]:
    return [x for x in lines if x.get("logger") == "dateline.access"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_the_page_caches_hit_miss_or_pass(capsys):
    story = factories.article(headline="Ferry timetable changes")
    path = story.get_absolute_url()
    capsys.readouterr()
    readers.cached(path)
    readers.cached(path)
    readers.cached("/admin/login/")
    readers.cached("/no/such/page/")
    lines = _access(_lines(capsys))
    assert [(x["method"], x["path"], x["status"], x["cache"]) for x in lines] == [
        ("GET", path, 200, "miss"),
        ("GET", path, 200, "hit"),
        ("GET", "/admin/login/", 200, "pass"),
        ("GET", "/no/such/page/", 404, "pass"),
    ]
    for line in lines:
        assert line["level"] == "info"
        assert isinstance(line["ms"], float) and line["ms"] >= 0
        assert line["time"].endswith("+00:00") and len(line["time"]) == 29
        assert set(line) == {"time", "level", "logger", "method", "path", "status", "ms", "cache"}


@pytest.mark.django_db
def test_a_hit_the_front_answers_on_its_loop_is_logged_once(capsys):
    from config.wsgi import application

    story = factories.article(headline="Harbour lights")
    path = story.get_absolute_url()
    readers.cached(path)  # kept
    capsys.readouterr()
    seen = []
    body = application.hit(
        readers._environ(path), lambda status, headers, exc_info=None: seen.append(status)
    )
    assert body is not None and seen == ["200 OK"]
    assert [(x["path"], x["cache"]) for x in _access(_lines(capsys))] == [(path, "hit")]


def _kept(headline: str):
    """A story's page kept by the page cache, and granian's scope of a request for it."""
    story = factories.article(headline=headline)
    path = story.get_absolute_url()
    readers.cached(path)  # kept

    class Scope:
        method = "GET"
        scheme = "http"
        query_string = ""

    Scope.path = path
    Scope.headers = EnvironHeaders(readers._environ(path))
    return path, Scope


@pytest.mark.django_db
def test_a_hit_answered_from_granians_scope_is_logged_once(capsys):
    """`dateline serve` asks the page cache before it builds an environ (config/rsgi.py):
    that answer is a request too."""
    from config import rsgi

    path, Scope = _kept("Harbour lights again")
    capsys.readouterr()
    answered = rsgi.hit(Scope)
    assert answered is not None and answered[0] == 200
    assert [(x["path"], x["status"], x["cache"]) for x in _access(_lines(capsys))] == [
        (path, 200, "hit")
    ]


def test_a_readers_path_is_logged_as_the_utf8_they_sent_without_its_query(capsys):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    environ = {
        "REQUEST_METHOD": "GET",
        # As WSGI hands it: the UTF-8 bytes of /café "x" as latin-1 text.
        "PATH_INFO": '/café "x"'.encode().decode("latin-1"),
        "QUERY_STRING": "token=secret",
        "wsgi.input": io.BytesIO(),
    }
    capsys.readouterr()
    AccessLog(app)(environ, lambda *a: None)
    err = capsys.readouterr().err
    (line,) = _access([json.loads(x) for x in err.splitlines()])
    assert line["path"] == '/café "x"' and "secret" not in err


def test_an_application_that_fails_is_logged_as_a_500():
    def app(environ, start_response):
        raise RuntimeError("broken")

    stream, sys.stderr = sys.stderr, io.StringIO()
    try:
        with pytest.raises(RuntimeError):
            AccessLog(app)({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}, lambda *a: None)
        written = sys.stderr.getvalue()
    finally:
        sys.stderr = stream
    assert json.loads(written)["status"] == 500


def test_other_log_lines_are_json_too_with_their_error():
    record = logging.LogRecord("dateline.x", logging.ERROR, __file__, 1, "broke %s", ("it",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "broke it" and line["level"] == "error"
    assert "ValueError: boom" in line["error"]


class _Writes(io.StringIO):
    """A stream that counts its writes: each is a write(2) on a real stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.mark.django_db
def test_hits_answered_in_one_turn_of_the_loop_are_written_with_one_write():
    """A write per hit was a third of a cached page's CPU under `dateline serve`: the lines
    of the hits one turn of the event loop answers go out together, once it has run them."""
    import asyncio

    from config import rsgi

    path, Scope = _kept("Harbour lights, batched")

    async def three_hits():
        answers = [rsgi.hit(Scope) for _ in range(3)]
        return answers, stream.writes, stream.getvalue()

    stream, saved = _Writes(), sys.stderr
    sys.stderr = stream
    try:
        loop = asyncio.new_event_loop()
        try:
            answers, writes_during, written_during = loop.run_until_complete(three_hits())
            loop.run_until_complete(asyncio.sleep(0))  # one more turn
        finally:
            loop.close()
    finally:
        sys.stderr = saved
    assert all(a is not None and a[0] == 200 for a in answers)
    assert (writes_during, written_during) == (0, "")
    assert stream.writes == 1
    lines = _access([json.loads(x) for x in stream.getvalue().splitlines()])
    assert [(x["path"], x["status"], x["cache"]) for x in lines] == [(path, 200, "hit")] * 3


def _loop_hits(count: int, between_turns: int = 0):
    """`count` hits answered from granian's scope on one loop, a turn of the loop after each
    `between_turns` of them (0: all in one turn); the lines written."""
    import asyncio

    from config import rsgi

    path, Scope = _kept(f"Harbour lights, {count} hits")

    async def hits():
        for n in range(count):
            assert rsgi.hit(Scope)[0] == 200
            if between_turns and (n + 1) % between_turns == 0:
                await asyncio.sleep(0)

    stream, saved = _Writes(), sys.stderr
    sys.stderr = stream
    try:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(hits())
            loop.run_until_complete(asyncio.sleep(0))
        finally:
            loop.close()
    finally:
        sys.stderr = saved
    return _access([json.loads(x) for x in stream.getvalue().splitlines()])


@pytest.mark.django_db
def test_a_hit_on_the_loop_asks_for_the_running_loop_only_when_its_loop_changes(monkeypatch):
    """asyncio.get_running_loop() costs a getpid(2) each call (CPython's check against a
    loop inherited through fork): once per loop, not once per hit or per turn."""
    from dateline.ops import access_log

    calls = []
    real = access_log.get_running_loop

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(access_log, "get_running_loop", counted)
    lines = _loop_hits(6, between_turns=2)  # three turns of the loop
    assert len(lines) == 6 and {x["cache"] for x in lines} == {"hit"}
    assert len(calls) == 1
    lines = _loop_hits(2)  # another loop on the same thread: asked again, and logged
    assert len(lines) == 2 and len(calls) == 2


@pytest.mark.django_db
def test_a_hit_on_the_loop_reaches_the_page_cache_without_the_wrappers_getattr(monkeypatch):
    """The beacon in front of the page cache stands in for it through __getattr__: a failed
    attribute lookup and a Python call that the log's `answer` paid on every hit."""
    from config.wsgi import application
    from dateline.mostread.beacon import Beacon

    looked_up = []
    real = Beacon.__getattr__

    def counted(self, name):
        looked_up.append(name)
        return real(self, name)

    monkeypatch.setattr(Beacon, "__getattr__", counted)
    application.__init__(application.wrapped)  # as config/wsgi.py builds it, now counted
    looked_up.clear()
    lines = _loop_hits(3)
    assert len(lines) == 3 and looked_up.count("answer") == 0
