"""Where reads are counted, and where a repeat is recognised.

Two stores, chosen like the page cache's versions (pagecache/versions.py):

- `LocalStore`, one machine (`CACHE_URL` is `locmem://`): counts go to the database,
  `mostread_hourlyreads`, batched per process (an upsert per story and hour every
  FLUSH_SECONDS, not a write per beacon, which on SQLite would queue behind the desk's
  writes); repeats are recognised in a memory-mapped table in the var folder shared by
  every worker of the machine (`var/mostread/seen`).
- `RedisStore`, several servers (`CACHE_URL` is Redis): one Lua script per beacon marks
  the read seen (`SET NX EX`) and, if it was not, adds it to the hour's hash
  (`HINCRBY mostread:<YYYYMMDDHH> <story> 1`, kept 26 hours).

A read is recognised as a repeat by a keyed hash of the reader's address and the story:
BLAKE2b keyed with a salt drawn at random each day (UTC) and kept only for that day, so a
hash cannot be traced back to an address by trying them all, nor matched across days. The
hash is kept for WINDOW seconds, then forgotten (expired in Redis; overwritten in the
table). No address is ever written anywhere.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import mmap
import os
import secrets
import struct
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import connection, connections, transaction

log = logging.getLogger("dateline.mostread")

# A second read of a story from one address within this many seconds is not counted.
WINDOW = 30 * 60
# Buckets are kept this long past their hour: the ranking reads the last 24.
KEEP_HOURS = 26
FLUSH_SECONDS = 1.0


def hour_of(at: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(at - at % 3600, tz=dt.UTC)


def day_of(at: float) -> int:
    return int(at // 86400)


def reader_hash(salt: bytes, address: str, story: int) -> bytes:
    return hashlib.blake2b(f"{address} {story}".encode(), key=salt, digest_size=8).digest()


class LocalStore:
    """The seen table: a header (day, salt) and SLOTS slots of (hash, expiry), in buckets
    of BUCKET consecutive slots. A hash lives in its bucket until it expires; a full bucket
    gives up its oldest entry (which may then be counted again: a cost of a busier window
    than the table holds, never a lost read)."""

    SLOTS = 1 << 18  # 4 MB
    BUCKET = 4
    HEADER = 64
    _SLOT = struct.Struct("<qq")
    _HEAD = struct.Struct("<q32s")

    def __init__(self, path: str, *, flush_every: float | None = FLUSH_SECONDS) -> None:
        """`flush_every`: seconds after a read before its process writes the counts
        waiting, from a thread of its own; None: only when the counts are read (tests
        that count inside their own transaction)."""
        self.path = path
        self.flush_every = flush_every
        self._map: mmap.mmap | None = None
        self._fd: int | None = None
        self._open = threading.Lock()
        self._pid = 0
        # flock excludes other processes; this, the threads of this one.
        self._locked = threading.Lock()
        self._pending: Counter[tuple[dt.datetime, int]] = Counter()
        self._pending_lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def _table(self) -> tuple[int, mmap.mmap]:
        with self._open:
            # A descriptor of each process's own: flock excludes open file descriptions,
            # and one inherited across a fork would be shared with the parent.
            if self._map is None or self._pid != os.getpid():
                self._pid = os.getpid()
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                size = self.HEADER + self.SLOTS * self._SLOT.size
                if os.fstat(fd).st_size < size:
                    os.ftruncate(fd, size)
                self._fd, self._map = fd, mmap.mmap(fd, size)
            return self._fd, self._map

    def first(self, address: str, story: int, now: float) -> bool:
        """Whether this is the first read of `story` from `address` in the window; it is
        recorded as seen if so."""
        fd, table = self._table()
        today = day_of(now)
        with self._locked:
            return self._first(fd, table, today, address, story, now)

    def _first(self, fd, table, today: int, address: str, story: int, now: float) -> bool:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            day, salt = self._HEAD.unpack_from(table, 0)
            if day != today:
                # A new day: a new salt, and yesterday's hashes mean nothing any more.
                salt = secrets.token_bytes(32)
                table[:] = bytes(len(table))
                self._HEAD.pack_into(table, 0, today, salt)
            digest = reader_hash(salt, address, story)
            key = int.from_bytes(digest, "little", signed=True) or 1
            start = (key % (self.SLOTS // self.BUCKET)) * self.BUCKET
            victim, oldest = start, None
            for slot in range(start, start + self.BUCKET):
                offset = self.HEADER + slot * self._SLOT.size
                held, expires = self._SLOT.unpack_from(table, offset)
                if held == key and expires > now:
                    return False
                if expires and expires <= now:  # forgotten once its window is over
                    self._SLOT.pack_into(table, offset, 0, 0)
                    expires = 0
                if oldest is None or expires < oldest:
                    victim, oldest = slot, expires
            self._SLOT.pack_into(
                table, self.HEADER + victim * self._SLOT.size, key, int(now) + WINDOW
            )
            return True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def sweep(self, now: float) -> int:
        """Forget every hash whose window has passed (the refresh job calls it every few
        minutes): none outlives its window by more than that. How many were forgotten."""
        fd, table = self._table()
        words = memoryview(table).cast("q")
        forgotten = 0
        self._locked.acquire()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            first = self.HEADER // 8
            for i in range(first + 1, len(words), 2):
                if words[i] and words[i] <= now:
                    words[i - 1] = 0
                    words[i] = 0
                    forgotten += 1
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._locked.release()
            words.release()
        return forgotten

    def count(self, address: str, story: int, now: float) -> bool:
        if not self.first(address, story, now):
            return False
        with self._pending_lock:
            self._pending[(hour_of(now), story)] += 1
            if self._timer is None and self.flush_every is not None:
                # One flush a second at most, whatever the rate of beacons.
                self._timer = threading.Timer(self.flush_every, self._flush_in_thread)
                self._timer.daemon = True
                self._timer.start()
        return True

    def _flush_in_thread(self) -> None:
        try:
            self.flush()
        except Exception:
            log.exception("most read: could not write the counts")
        finally:
            # This thread's own connection, not a request's.
            connections.close_all()

    def flush(self) -> int:
        """Write the counts waiting in this process; how many reads were written."""
        with self._pending_lock:
            pending, self._pending = self._pending, Counter()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not pending:
            return 0
        adapt = connection.ops.adapt_datetimefield_value
        # Through a SELECT of the story: one deleted since its beacon adds nothing.
        sql = (
            "INSERT INTO mostread_hourlyreads (hour, article_id, reads) "
            "SELECT %s, id, %s FROM news_article WHERE id = %s "
            "ON CONFLICT (hour, article_id) DO UPDATE "
            "SET reads = mostread_hourlyreads.reads + excluded.reads"
        )
        rows = [(adapt(hour), n, story) for (hour, story), n in sorted(pending.items())]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        except Exception:
            with self._pending_lock:  # kept for the next flush
                self._pending.update(pending)
            raise
        return sum(pending.values())

    def totals(self, since: dt.datetime) -> dict[int, int]:
        from django.db.models import Sum

        from dateline.mostread.models import HourlyReads

        self.flush()
        return dict(
            HourlyReads.objects.filter(hour__gte=since)
            .values("article_id")
            .annotate(n=Sum("reads"))
            .values_list("article_id", "n")
        )

    def prune(self, before: dt.datetime) -> None:
        from dateline.mostread.models import HourlyReads

        HourlyReads.objects.filter(hour__lt=before).delete()

    def reset(self) -> None:
        """Forget every count and every seen hash (tests)."""
        from dateline.mostread.models import HourlyReads

        with self._pending_lock:
            self._pending.clear()
        HourlyReads.objects.all().delete()
        fd, table = self._table()
        with self._locked:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                table[:] = bytes(len(table))
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


# The window is decided by the servers' clock (ARGV[4], now), as on one machine; Redis's own
# expiry only clears the hash away after it.
_COUNT = """
local expires = tonumber(redis.call('GET', KEYS[1]))
if expires and expires > tonumber(ARGV[4]) then return 0 end
redis.call('SET', KEYS[1], ARGV[4] + ARGV[1], 'EX', ARGV[1])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""


class RedisStore:
    PREFIX = "mostread:"
    TIMEOUT = 0.5

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=self.TIMEOUT, socket_timeout=self.TIMEOUT
        )
        self._count = self.client.register_script(_COUNT)
        self._salt: tuple[int, bytes] = (0, b"")

    def _salt_of(self, today: int) -> bytes:
        if self._salt[0] != today:
            key = f"{self.PREFIX}salt:{today}"
            # Every server takes the day's salt from the first that drew one; it goes
            # when the day is over.
            self.client.set(key, secrets.token_bytes(32), nx=True, ex=86400 + 3600)
            self._salt = (today, self.client.get(key))
        return self._salt[1]

    def _hour_key(self, hour: dt.datetime) -> str:
        return f"{self.PREFIX}{hour:%Y%m%d%H}"

    def count(self, address: str, story: int, now: float) -> bool:
        digest = reader_hash(self._salt_of(day_of(now)), address, story)
        seen = f"{self.PREFIX}seen:{digest.hex()}"
        keys = [seen, self._hour_key(hour_of(now))]
        args = [WINDOW, story, KEEP_HOURS * 3600, int(now)]
        return bool(self._count(keys=keys, args=args))

    def flush(self) -> int:
        return 0

    def totals(self, since: dt.datetime) -> dict[int, int]:
        hours = []
        at = since
        now = hour_of(time.time())
        while at <= now:
            hours.append(at)
            at += dt.timedelta(hours=1)
        pipe = self.client.pipeline(transaction=False)
        for hour in hours:
            pipe.hgetall(self._hour_key(hour))
        found: Counter[int] = Counter()
        for bucket in pipe.execute():
            for story, n in bucket.items():
                found[int(story)] += int(n)
        return dict(found)

    def prune(self, before: dt.datetime) -> None:
        pass  # Redis expires the hours itself

    def sweep(self, now: float) -> int:
        return 0  # and the seen hashes

    def reset(self) -> None:
        keys = list(self.client.scan_iter(f"{self.PREFIX}*"))
        if keys:
            self.client.delete(*keys)
        self._salt = (0, b"")


_store: LocalStore | RedisStore | None = None


def store() -> LocalStore | RedisStore:
    global _store
    if _store is None:
        if getattr(settings, "CACHE_SHARED", False):
            _store = RedisStore(settings.CACHES["default"]["LOCATION"])
        else:
            _store = LocalStore(str(settings.VAR_DIR / "mostread" / "seen"))
    return _store


def use(replacement: LocalStore | RedisStore | None) -> LocalStore | RedisStore | None:
    """Put `replacement` in place of the configured store (None: the configured one
    again); returns the one it replaces."""
    global _store
    previous, _store = _store, replacement
    return previous
