"""A bound on each SQL statement of a reader's request, on PostgreSQL.

A reader's page, feed or API answer reads a bounded number of rows (docs/architecture.md);
one whose plan goes wrong (a word the planner takes for common, a cold cache under load)
should not hold a database backend, and the worker thread waiting on it, for seconds while
the requests behind it queue. So every public request runs with PostgreSQL's
`statement_timeout` (DATELINE_READER_STATEMENT_TIMEOUT_MS), and a statement cut by it
answers 503 with Retry-After, never kept by any cache: the page a fresh render would give
may well come on the next try.

Off for the newsroom, the admin and the management API (config.security.DESK_PATHS: an
editor's save or an import through the desk may rightly take long, and is never cut
halfway), and for everything that is not a request: the CLI, imports, migrations, workers.

The setting is the connection's, kept between requests: a `SET` is sent only when a request
wants another bound than the connection has (a reader's request after the newsroom's on the
same connection, or the first of a new connection), so a reader's request costs no query
for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from config.security import DESK_PATHS

# PostgreSQL's "query_canceled": statement_timeout, or a cancel sent by an operator.
QUERY_CANCELED = "57014"
RETRY_AFTER_SECONDS = 10
_ATTR = "_dateline_statement_timeout"


@receiver(connection_created)
def _new_connection(sender, connection, **kwargs) -> None:
    # A new connection has the server's own default (no bound unless the role sets one).
    setattr(connection, _ATTR, 0)


def bound_for(path: str) -> int:
    """The statement timeout, in ms, for a request to `path` (0: none)."""
    if path.startswith(DESK_PATHS):
        return 0
    return settings.DATELINE_READER_STATEMENT_TIMEOUT_MS


def apply(ms: int) -> None:
    """Give the connection's statements a bound of `ms` (0: the server's default)."""
    if connection.vendor != "postgresql":
        return
    current = getattr(connection, _ATTR, 0) if connection.connection is not None else 0
    if current == ms:
        return
    with connection.cursor() as cursor:
        if ms:
            cursor.execute(f"SET statement_timeout = {int(ms)}")
        else:
            cursor.execute("SET statement_timeout TO DEFAULT")
    setattr(connection, _ATTR, ms)


def timed_out(exc: BaseException) -> bool:
    """Whether `exc` is a statement PostgreSQL cut (Django wraps psycopg's error)."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) == QUERY_CANCELED:
            return True
        exc = exc.__cause__
    return False


def too_slow(request) -> HttpResponse:
    """503 with Retry-After: try again shortly. Never cached (no-store, and no page-cache
    mark): the next request may well be answered in time."""
    message = "This took too long to answer. Please try again in a few seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class ReaderStatementTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply(bound_for(request.path))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if timed_out(exception):
            return too_slow(request)
        return None
