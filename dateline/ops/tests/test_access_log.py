"""One JSON line per request through the served application (config.wsgi.application):
method, path, status, time and what the page cache did."""

from __future__ import annotations

import io
import json
import logging

import pytest

# Imported here, not in a test: making the WSGI application sets Django up again, and its
# logging configuration would take the handler pytest's caplog listens with.
from config.wsgi import application
from dateline.news.tests import factories, readers
from dateline.ops.logs import JsonFormatter


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "dateline.access"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_the_page_caches_hit_miss_or_pass(caplog):
    story = factories.article(headline="Ferry timetable changes")
    path = story.get_absolute_url()
    with caplog.at_level(logging.INFO, logger="dateline.access"):
        readers.cached(path)
        readers.cached(path)
        readers.cached("/admin/login/")
        readers.cached("/no/such/page/")
    lines = _lines(caplog)
    assert [(x["method"], x["path"], x["status"], x["cache"]) for x in lines] == [
        ("GET", path, 200, "miss"),
        ("GET", path, 200, "hit"),
        ("GET", "/admin/login/", 200, "pass"),
        ("GET", "/no/such/page/", 404, "pass"),
    ]
    for line in lines:
        assert line["logger"] == "dateline.access" and line["level"] == "info"
        assert isinstance(line["ms"], float) and line["ms"] >= 0
        assert set(line) == {"time", "level", "logger", "method", "path", "status", "ms", "cache"}


@pytest.mark.django_db
def test_a_hit_the_front_answers_on_its_loop_is_logged_once(caplog):
    story = factories.article(headline="Harbour lights")
    path = story.get_absolute_url()
    readers.cached(path)  # kept
    caplog.clear()
    environ = readers._environ(path)
    seen = []
    with caplog.at_level(logging.INFO, logger="dateline.access"):
        body = application.hit(environ, lambda status, headers, exc_info=None: seen.append(status))
    assert body is not None and seen == ["200 OK"]
    assert [(x["path"], x["cache"]) for x in _lines(caplog)] == [(path, "hit")]


def test_a_readers_path_is_logged_as_the_utf8_they_sent_without_its_query(caplog):
    from dateline.ops.access_log import AccessLog

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    environ = {
        "REQUEST_METHOD": "GET",
        # As WSGI hands it: the UTF-8 bytes of /café as latin-1 text.
        "PATH_INFO": "/café".encode().decode("latin-1"),
        "QUERY_STRING": "token=secret",
        "wsgi.input": io.BytesIO(),
    }
    with caplog.at_level(logging.INFO, logger="dateline.access"):
        AccessLog(app)(environ, lambda *a: None)
    (line,) = _lines(caplog)
    assert line["path"] == "/café" and "secret" not in json.dumps(line)


def test_other_log_lines_are_json_too_with_their_error():
    record = logging.LogRecord("dateline.x", logging.ERROR, __file__, 1, "broke %s", ("it",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "broke it" and line["level"] == "error"
    assert "ValueError: boom" in line["error"]
