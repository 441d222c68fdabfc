"""Purging the HTTP caches in front (Varnish with the xkey vmod) by the tags a change
touches, after its transaction commits.

`pagecache.invalidate` hands every change's tags (computed by `news.touches` and
`pictures.services`) here once the version store has them: each cache in
DATELINE_PURGE_URLS gets `PURGE /` with the tags in an `xkey` header, and drops every page
that carries one of them (deploy/varnish/dateline.vcl). Bumped first, purged second: the
request a purge sends to the servers again must find their own copies already stale.

A purge never holds up or undoes the write that made it. The first try is made at once,
with a short timeout; a failed one is logged and tried again from a background thread
(`RETRIES` seconds apart), and the last failure is logged as an error naming the tags, so an
operator knows which pages may stay stale until their lifetime ends.

Each purge is sent a second time `REPEAT` seconds later. A page rendered from the rows as
they were before the commit, and checked fresh just before the bump (pagecache/wsgi.py
withholds a long lifetime from one that was not), may still be on its way to the cache when
the first purge arrives; the cache would then keep it. The second purge takes it out.

May import django only.
"""

from __future__ import annotations

import atexit
import heapq
import http.client
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.conf import settings

log = logging.getLogger("dateline.pagecache.purge")

# Varnish refuses a request header longer than http_req_hdr_len (8 KB by default).
HEADER_MAX = 6_000
TIMEOUT = 1.0  # seconds to connect and to answer, per try
RETRIES = (0.5, 2.0, 8.0)  # seconds before each further try
REPEAT = 2.0  # seconds before the second purge
# A command (an import, `dateline shell`) that exits with purges still to send waits for them
# at most this long.
DRAIN_SECONDS = 12.0


def batches(tags: Iterable[str], limit: int = HEADER_MAX) -> list[str]:
    """`tags` as space-separated header values, none longer than `limit`."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for tag in sorted(set(tags)):
        if current and size + 1 + len(tag) > limit:
            out.append(" ".join(current))
            current, size = [], 0
        current.append(tag)
        size += len(tag) + (1 if size else 0)
    if current:
        out.append(" ".join(current))
    return out


class PurgeFailed(Exception):
    pass


def send(url: str, keys: str, *, timeout: float = TIMEOUT) -> int:
    """One `PURGE` of `keys` at `url`; the number of pages the cache dropped (or 0 when it
    does not say). PurgeFailed when the cache cannot be reached or refuses."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey": keys})
        response = connection.getresponse()
        answer = response.read(200).decode("utf-8", "replace")
    except OSError as exc:  # refused, reset, timed out, name not found
        raise PurgeFailed(str(exc) or type(exc).__name__) from exc
    except http.client.HTTPException as exc:
        raise PurgeFailed(f"bad answer: {exc!r}") from exc
    finally:
        connection.close()
    if response.status != 200:
        raise PurgeFailed(f"answered {response.status} {response.reason}")
    # The VCL answers "Purged N"; another cache may say nothing countable.
    count = answer.rpartition("Purged ")[2].split()[:1] or [""]
    return int(count[0]) if count[0].isdigit() else 0


class Purger:
    """Sends purges to `urls`; tries again later from one background thread."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        timeout: float = TIMEOUT,
        retries: Sequence[float] = RETRIES,
        repeat: float | None = REPEAT,
    ) -> None:
        self.urls = list(urls)
        self.timeout = timeout
        self.retries = tuple(retries)
        self.repeat = repeat
        # (when, sequence, url, keys, tries so far, whether it is the second purge)
        self._queue: list[tuple[float, int, str, str, int, bool]] = []
        self._sequence = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._sending = 0

    def purge(self, tags: Iterable[str]) -> None:
        for keys in batches(tags):
            for url in self.urls:
                self._try(url, keys, tries=0, second=False)
                if self.repeat is not None:
                    self._later(self.repeat, url, keys, tries=0, second=True)

    def _try(self, url: str, keys: str, *, tries: int, second: bool) -> None:
        try:
            send(url, keys, timeout=self.timeout)
        except PurgeFailed as exc:
            tries += 1
            shown = keys if len(keys) <= 200 else keys[:200] + " …"
            if tries <= len(self.retries):
                log.warning(
                    "purge of %s at %s failed (%s); trying again in %s s",
                    shown,
                    url,
                    exc,
                    self.retries[tries - 1],
                )
                self._later(self.retries[tries - 1], url, keys, tries=tries, second=second)
            else:
                log.error(
                    "purge of %s at %s failed %d times (%s); given up: those pages may stay "
                    "stale there until their lifetime ends (DATELINE_PAGE_CACHE_SECONDS)",
                    shown,
                    url,
                    tries,
                    exc,
                )

    def _later(self, delay: float, url: str, keys: str, *, tries: int, second: bool) -> None:
        with self._wake:
            self._sequence += 1
            heapq.heappush(
                self._queue, (time.monotonic() + delay, self._sequence, url, keys, tries, second)
            )
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="dateline-purge", daemon=True
                )
                self._thread.start()
                atexit.register(self.drain)
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue or self._queue[0][0] > time.monotonic():
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._wake.wait(wait)
                _, _, url, keys, tries, second = heapq.heappop(self._queue)
                self._sending += 1
            try:
                self._try(url, keys, tries=tries, second=second)
            finally:
                with self._wake:
                    self._sending -= 1
                    self._wake.notify_all()

    def pending(self) -> int:
        """Purges waiting for their time or being sent (tests, tools)."""
        with self._wake:
            return len(self._queue) + self._sending

    def drain(self, seconds: float = DRAIN_SECONDS) -> bool:
        """Wait until every purge was sent or given up, at most `seconds`; True if so. A
        command that made changes calls it on its way out (atexit), so that its retries
        and second purges are not lost with the process."""
        deadline = time.monotonic() + seconds
        with self._wake:
            while self._queue or self._sending:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.error("exiting with %d purges not sent", len(self._queue))
                    return False
                self._wake.wait(min(left, 0.1))
        return True


_purger: Purger | None = None
_purger_urls: tuple[str, ...] = ()


def purger() -> Purger | None:
    """The purger for DATELINE_PURGE_URLS, or None when no cache in front is purged."""
    global _purger, _purger_urls
    urls = tuple(getattr(settings, "DATELINE_PURGE_URLS", ()))
    if not urls:
        return None
    if _purger is None or urls != _purger_urls:
        _purger, _purger_urls = Purger(urls), urls
    return _purger


def purge(tags: Iterable[str]) -> None:
    """Purge `tags` from every cache in front, if any is configured."""
    current = purger()
    if current is not None:
        current.purge(tags)
