"""Purging the HTTP caches in front (Varnish with the xkey vmod) by the tags a change
touches, after its transaction commits.

`pagecache.invalidate` hands every change's tags (computed by `news.touches` and
`pictures.services`) here once the version store has them: each cache in
DATELINE_PURGE_URLS gets `PURGE /` with the tags in an `xkey` header, and drops every page
that carries one of them (deploy/varnish/dateline.vcl). Bumped first, purged second: the
request a purge sends to the servers again must find their own copies already stale.

A purge never holds up or undoes the write that made it. The first try is made at once,
with a short timeout; a failed one is logged and tried again from a background thread
(`RETRIES` seconds apart).

Each purge is also a row (`PendingPurge`), written by `hold` in the transaction of the change
itself, so it outlives the process that made the change: the process deletes the row once
the cache has the purge. A row still there `HANDOVER` seconds later (the process died, or
its tries all failed), or handed over at once by a process on its way out, is sent by
`dateline worker` (`deliver_due`), again and again with a growing pause, until the cache
has it or it is older than any page it could purge (then logged as an error naming the
tags, so an operator knows which pages may stay stale until their lifetime ends).

Each purge is sent a second time `REPEAT` seconds later. A page rendered from the rows as
they were before the commit, and checked fresh just before the bump (pagecache/wsgi.py
withholds a long lifetime from one that was not), may still be on its way to the cache when
the first purge arrives; the cache would then keep it. The second purge takes it out.

May import django only.
"""

from __future__ import annotations

import atexit
import datetime as dt
import heapq
import http.client
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

log = logging.getLogger("dateline.pagecache.purge")

# Varnish refuses a request header longer than http_req_hdr_len (8 KB by default).
HEADER_MAX = 6_000
TIMEOUT = 1.0  # seconds to connect and to answer, per try
RETRIES = (0.5, 2.0, 8.0)  # seconds before each further try
REPEAT = 2.0  # seconds before the second purge
# A command (an import, `dateline shell`) that exits with purges still to send waits for them
# at most this long (those it holds no row for: the rest it hands to `dateline worker`).
DRAIN_SECONDS = 12.0
# The worker leaves a purge to the process that made it this long: past its tries and its
# second purge, with room to spare, so a purge is normally sent once, not by both.
HANDOVER = sum(RETRIES) + REPEAT + 5.0
# The worker's pause after a failed try, doubled each time up to its maximum.
BACKOFF, BACKOFF_MAX = 2.0, 300.0


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
        # (when, sequence, url, keys, tries so far, whether it is the second purge, the
        # PendingPurge row's id or None)
        self._queue: list[tuple[float, int, str, str, int, bool, int | None]] = []
        self._sequence = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._sending = 0
        # Rows of delivered purges, deleted by a thread of their own: a purge is never held
        # up by the database (a write lock held elsewhere, a busy timeout).
        self._delivered: list[int] = []
        self._cleaner: threading.Thread | None = None

    def purge(self, tags: Iterable[str], held: Sequence[Held] | None = None) -> None:
        """Send the purges of `tags`; with `held` (from `hold`), those rows' purges, each
        row deleted once the cache has it."""
        if held is not None:
            for row in held:
                if row.second:
                    self._later(
                        self.repeat or 0.0, row.url, row.keys, tries=0, second=True, row=row.pk
                    )
                else:
                    self._try(row.url, row.keys, tries=0, second=False, row=row.pk)
            return
        for keys in batches(tags):
            for url in self.urls:
                self._try(url, keys, tries=0, second=False)
                if self.repeat is not None:
                    self._later(self.repeat, url, keys, tries=0, second=True)

    def _try(
        self, url: str, keys: str, *, tries: int, second: bool, row: int | None = None
    ) -> None:
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
                self._later(self.retries[tries - 1], url, keys, tries=tries, second=second, row=row)
            elif row is not None:
                log.warning(
                    "purge of %s at %s failed %d times (%s); left to `dateline worker`",
                    shown,
                    url,
                    tries,
                    exc,
                )
            else:
                log.error(
                    "purge of %s at %s failed %d times (%s); given up: those pages may stay "
                    "stale there until their lifetime ends (DATELINE_PAGE_CACHE_SECONDS)",
                    shown,
                    url,
                    tries,
                    exc,
                )
        else:
            if row is not None:
                self._forget(row)

    def _forget(self, row: int) -> None:
        with self._wake:
            self._delivered.append(row)
            if self._cleaner is None or not self._cleaner.is_alive():
                self._cleaner = threading.Thread(
                    target=self._clean, name="dateline-purge-rows", daemon=True
                )
                self._cleaner.start()
            self._wake.notify_all()

    def _clean(self) -> None:
        while True:
            with self._wake:
                while not self._delivered:
                    self._wake.wait()
                rows, self._delivered = self._delivered, []
            _delete(rows)
            connection.close()  # this thread's own, not kept idle

    def _later(
        self,
        delay: float,
        url: str,
        keys: str,
        *,
        tries: int,
        second: bool,
        row: int | None = None,
    ) -> None:
        with self._wake:
            self._sequence += 1
            heapq.heappush(
                self._queue,
                (time.monotonic() + delay, self._sequence, url, keys, tries, second, row),
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
                _, _, url, keys, tries, second, row = heapq.heappop(self._queue)
                self._sending += 1
            try:
                self._try(url, keys, tries=tries, second=second, row=row)
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
        and second purges are not lost with the process. Those with a row are not waited
        for: their rows are made due at once, for `dateline worker`."""
        with self._wake:
            rows = [item[6] for item in self._queue if item[6] is not None]
            self._queue = [item for item in self._queue if item[6] is None]
            heapq.heapify(self._queue)
            delivered, self._delivered = self._delivered, []
        if delivered:
            _delete(delivered)
        if rows:
            _hand_over(rows)
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


def purge(tags: Iterable[str], held: Sequence[Held] | None = None) -> None:
    """Purge `tags` from every cache in front, if any is configured (`held`: their rows,
    from `hold`)."""
    current = purger()
    if current is not None:
        current.purge(tags, held)


class Held(NamedTuple):
    pk: int
    url: str
    keys: str
    second: bool


def hold(tags: Iterable[str]) -> list[Held] | None:
    """Write the purges of `tags` as rows, in the current transaction (the change's own:
    rolled back with it, committed with it); None when no cache in front is purged."""
    current = purger()
    if current is None:
        return None
    from dateline.pagecache.models import PendingPurge

    now = timezone.now()
    due = now + dt.timedelta(seconds=HANDOVER)
    plan = [
        (url, keys, second)
        for keys in batches(tags)
        for url in current.urls
        for second in ((False, True) if current.repeat is not None else (False,))
    ]
    rows = PendingPurge.objects.bulk_create(
        PendingPurge(url=url, keys=keys, due_at=due, created_at=now) for url, keys, _ in plan
    )
    return [
        Held(row.pk, url, keys, second) for row, (url, keys, second) in zip(rows, plan, strict=True)
    ]


def _delete(pks: list[int]) -> None:
    from dateline.pagecache.models import PendingPurge

    try:
        PendingPurge.objects.filter(pk__in=pks).delete()
    except Exception as exc:  # noqa: BLE001 - the worker sends them again: twice is harmless
        log.warning("%d delivered purges' rows not deleted (%s)", len(pks), exc)


def _hand_over(pks: list[int]) -> None:
    from dateline.pagecache.models import PendingPurge

    try:
        PendingPurge.objects.filter(pk__in=pks).update(due_at=timezone.now())
        log.info("%d purges left to `dateline worker`", len(pks))
    except Exception as exc:  # noqa: BLE001 - still sent, HANDOVER s after they were written
        log.warning("purges not handed over at once (%s)", exc)


def give_up_after() -> float:
    """Seconds after which a purge is pointless: every page it could drop has expired."""
    return float(getattr(settings, "DATELINE_PAGE_CACHE_SECONDS", 300)) * 2 + 3600


def deliver_due(limit: int = 200) -> int:
    """Send the purges whose time has come (`dateline worker`); the number delivered. A
    failed one is tried again after a pause that doubles each time (BACKOFF … BACKOFF_MAX),
    and given up, logged as an error, once older than any page it could purge."""
    from dateline.pagecache.models import PendingPurge

    now = timezone.now()
    delivered = 0
    for row in PendingPurge.objects.filter(due_at__lte=now).order_by("due_at", "pk")[:limit]:
        try:
            send(row.url, row.keys)
        except PurgeFailed as exc:
            tries = row.tries + 1
            shown = row.keys if len(row.keys) <= 200 else row.keys[:200] + " …"
            if (now - row.created_at).total_seconds() > give_up_after():
                log.error(
                    "purge of %s at %s failed %d times (%s); given up: those pages may stay "
                    "stale there until their lifetime ends (DATELINE_PAGE_CACHE_SECONDS)",
                    shown,
                    row.url,
                    tries,
                    exc,
                )
                PendingPurge.objects.filter(pk=row.pk).delete()
                continue
            pause = min(BACKOFF * 2 ** (tries - 1), BACKOFF_MAX)
            log.warning(
                "purge of %s at %s failed (%s); trying again in %s s", shown, row.url, exc, pause
            )
            PendingPurge.objects.filter(pk=row.pk).update(
                tries=tries, due_at=now + dt.timedelta(seconds=pause)
            )
        else:
            PendingPurge.objects.filter(pk=row.pk).delete()
            delivered += 1
    return delivered


def keep_delivering(interval: float = 1.0) -> threading.Thread:
    """`deliver_due` every `interval` seconds, in a daemon thread (`dateline worker`). Two
    workers may send the same purge: a purge twice drops nothing more."""

    def loop() -> None:
        while True:
            try:
                deliver_due()
            except DatabaseError as exc:
                log.warning("pending purges not read (%s)", exc)
            connections.close_all()  # this thread's own connection, not kept idle
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="dateline-purges", daemon=True)
    thread.start()
    return thread
