"""Requests straight into a WSGI application, as a server makes them, and what pytest-django
holds back until the test's transaction would commit."""

from __future__ import annotations

import io

from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction


class Counting:
    """Django's WSGI handler, counting how often Django itself is entered."""

    def __init__(self):
        self.inner = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


def fetch(app, path, **extra) -> tuple[str, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    environ.update(extra)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def get(app, path, **extra) -> tuple[str, dict[str, str], str]:
    status, headers, body = fetch(app, path, **extra)
    return status, headers, body.decode()


def commit():
    # pytest-django wraps tests in a transaction; run the on_commit invalidations now.
    for _, callback, _ in transaction.get_connection().run_on_commit:
        callback()
    transaction.get_connection().run_on_commit = []
