"""RSGI entry point of `dateline serve`: the front (dateline/core/front.py) reads each
request whole, within the limits set in settings, before config.wsgi's application (the
page cache in front of Django) runs it in one of the worker's WSGI threads."""

from django.conf import settings

from config.wsgi import application as wsgi_application
from dateline.core.front import Front, Limits

_answer = wsgi_application.answer


def hit(scope):
    """The page cache's answer from granian's scope, on the loop: what a WSGI server
    would put in PATH_INFO (latin-1), the query and the headers as granian has them."""
    path = scope.path
    return _answer(
        scope.method,
        path if path.isascii() else path.encode().decode("latin-1"),
        scope.query_string,
        scope.scheme,
        scope.headers,
    )


application = Front(
    wsgi_application,
    limits=Limits(
        body_max=settings.DATELINE_BODY_MAX_BYTES,
        upload_max=settings.DATELINE_UPLOAD_MAX_BYTES,
        upload_prefixes=tuple(settings.DATELINE_UPLOAD_PATHS),
        upload_cookie=settings.SESSION_COOKIE_NAME,
        body_timeout=settings.DATELINE_BODY_TIMEOUT,
        min_rate=settings.DATELINE_BODY_MIN_RATE,
    ),
    # The page cache answers hits on the loop when its versions are local (a memory-mapped
    # file); with Redis, a hit asks Redis, which must not hold up the loop.
    hit=None if settings.CACHE_SHARED else hit,
    threads=settings.DATELINE_SERVE_THREADS,
)
