"""Tag versions: counters that say whether anything a page shows changed since it was built.

One global counter per store. A bump increments it, atomically, and sets each bumped tag
to the new value. A render records the counter before it starts (`stamp`), and what it
built stays valid while no tag it depends on holds a larger value (`fresh`). Counters,
not clocks: a bump can neither be lost to a concurrent one nor hidden by a server whose
clock runs behind.

Two stores, chosen by the cache configuration:
- `FileVersions`, a memory-mapped table under var/ when the cache is per machine (several
  workers, one machine): reading is a few microseconds, so a cache hit stays cheap; a bump
  takes an exclusive `flock` on the file, so processes serialise their increments;
- `RedisVersions`, one Redis hash when several servers run (`CACHE_URL=redis://…`): a
  bump is one Lua script, a check is one HMGET.

In the file store a story's own tags (`article:<id>`, `article:<id>:teaser`,
`article:<id>:link`) each have a slot of their own, found from the id; the file grows as
ids do. Every other tag hashes into a fixed table, so two of those may share a slot: a bump
of one then also invalidates pages of the other. That costs an extra render, never a stale
page.

May import django only.
"""

from __future__ import annotations

import fcntl
import logging
import mmap
import os
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

log = logging.getLogger("dateline.pagecache")

Stamp = Any  # what a store's `stamp` returns; only that store's `fresh` reads it
Prepared = Any  # what a store's `prepare` returns for a set of tags


class Versions(Protocol):
    """What the page cache and the memo ask of a version store."""

    def stamp(self) -> Stamp | None:
        """The counter now, read before a render reads anything; None when the store
        cannot be read, and what is built then must not be kept."""
        ...

    def prepare(self, tags: Iterable[str]) -> Prepared:
        """`tags` in the form `fresh` reads fastest; made once for each kept entry."""
        ...

    def fresh(self, prepared: Prepared, stamp: Stamp) -> bool:
        """True while none of the tags was bumped after `stamp` was read."""
        ...

    def checked(self, prepared: Prepared, stamp: Stamp) -> Stamp | None:
        """None when one of the tags was bumped after `stamp` was read, else a stamp that
        vouches for the tags as `stamp` did, and may be later: checking against it next
        time costs no more (a kept page checked on every hit)."""
        ...

    def bump(self, tags: Iterable[str]) -> int | None:
        """Mark `tags` changed; the new counter, or None when it will be sent later."""
        ...

    def latest(self, tags: Iterable[str]) -> int:
        """The highest version among `tags` (for tests and tools)."""
        ...

    def check(self) -> None:
        """Raise ImproperlyConfigured, at start, when the store cannot be used."""
        ...

    def reset(self) -> None:
        """Forget every version (tests)."""
        ...


_lost: list[Callable[[], None]] = []


def on_loss(callback: Callable[[], None]) -> None:
    """Call `callback` when this process can no longer trust what it kept (the version
    store was unreachable, restarted empty, or replaced): page cache and memo drop their
    entries then."""
    _lost.append(callback)


def _drop_local() -> None:
    for callback in _lost:
        callback()


_STORY_TAG = re.compile(r"article:(\d+)(?::(teaser|link))?")
_STORY_KINDS = {None: 0, "teaser": 1, "link": 2}


class FileVersions:
    """Slot 0 holds the global counter; site-wide tags ("settings", "front", "list:…")
    hash into a small region of their own, every other tag ("section:3") into the rest of
    the first SLOTS. An article tag can then never share a slot with a tag that every page
    depends on, where editing that one story would make the whole site cold.

    A story's own three tags come after those, at SLOTS + 3 × id + kind: one slot each,
    so an edit to one story re-renders only the pages that show it, at any number of
    stories (hashed, a million stories' three million tags would share 65,000 slots, 46
    to a slot). The file grows by GROW slots when a bump needs a slot past its end (under
    the same lock as the bump); a reader maps the file again when a slot lies past what
    it mapped, and reads a slot past the end of the file as never bumped."""

    SLOTS = 1 << 16
    SITE_WIDE = 64  # slots 1..63
    GROW = 1 << 17  # 1 MB of slots at a time, 43,690 stories
    # Tags whose slots are known: a render prepares two or three dozen, most of them seen
    # on other pages (the site's, the section's, the teasers'), and working a slot out (a
    # regex, or a CRC) was 2 % of an uncached article. Emptied when full.
    KNOWN_MAX = 1 << 16

    def __init__(self, path: str) -> None:
        self.path = path
        self._view: memoryview | None = None
        # The counter when the file was last mapped (see `fresh`).
        self._mapped_at = 0
        self._open = threading.Lock()
        self._known: dict[str, int] = {}

    def _map(self, need: int = 0, *, grow: bool = False) -> memoryview:
        """The file mapped whole, grown first to hold slot `need` when `grow` (the caller
        holds the bump lock)."""
        with self._open:
            view = self._view
            if view is not None and need < len(view):
                return view
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size // 8
                wanted = max(size, self.SLOTS)
                if grow and need >= wanted:
                    wanted = (need // self.GROW + 1) * self.GROW
                if wanted > size:
                    os.ftruncate(fd, wanted * 8)
                # An older view stays valid for whoever still reads it: both map the
                # same pages of the file.
                self._view = memoryview(mmap.mmap(fd, wanted * 8)).cast("q")
                self._mapped_at = self._view[0]
            finally:
                os.close(fd)
            return self._view

    def _slots(self) -> memoryview:
        return self._view if self._view is not None else self._map()

    def _slot(self, tag: str) -> int:
        slot = self._known.get(tag)
        if slot is None:
            if len(self._known) >= self.KNOWN_MAX:
                self._known.clear()
            slot = self._known[tag] = self._work_out(tag)
        return slot

    def _work_out(self, tag: str) -> int:
        story = _STORY_TAG.fullmatch(tag)
        if story is not None:
            return self.SLOTS + 3 * int(story[1]) + _STORY_KINDS[story[2]]
        h = zlib.crc32(tag.encode())
        if ":" not in tag or tag.startswith("list:"):
            return 1 + h % (self.SITE_WIDE - 1)
        return self.SITE_WIDE + h % (self.SLOTS - self.SITE_WIDE)

    def prepare(self, tags: Iterable[str]) -> tuple[int, ...]:
        return tuple(sorted({self._slot(t) for t in tags}))

    def stamp(self) -> int:
        return self._slots()[0]

    def fresh(self, prepared: tuple[int, ...], stamp: int) -> bool:
        # Aligned 8-byte loads: a reader sees a slot before or after a bump, never half.
        slots = self._slots()
        if slots[0] <= stamp:
            return True  # nothing bumped since the page was stamped (most hits)
        for i in prepared:  # ascending
            if i >= len(slots):
                # Only a bump grows the file, and it moves the counter after: while the
                # counter is where it was when this view was mapped, a slot past its end
                # was never bumped, and mapping again (open, fstat, mmap) would find none.
                if slots[0] == self._mapped_at:
                    return True
                slots = self._map(i)
                if i >= len(slots):
                    return True  # past the end of the file: never bumped, nor the rest
            if slots[i] > stamp:
                return False
        return True

    def checked(self, prepared: tuple[int, ...], stamp: int) -> int | None:
        # The counter is read before the tags, and a bump sets its tags before the counter:
        # every bump up to `now` has set its tags by then, so if none of these is past
        # `stamp`, none of those bumps touched them and the page is as fresh as if it had
        # been stamped at `now`. On a site where any story changes, the counter moves past
        # a kept page's stamp within minutes; from then on each hit walked the page's tags
        # (a few dozen) where, moved up, it compares one number until the next bump.
        now = self._slots()[0]
        if now <= stamp:
            return stamp
        return now if self.fresh(prepared, stamp) else None

    def latest(self, tags: Iterable[str]) -> int:
        prepared = self.prepare(tags)
        slots = self._map(max(prepared, default=0))
        return max((slots[i] for i in prepared if i < len(slots)), default=0)

    def bump(self, tags: Iterable[str]) -> int:
        prepared = self.prepare(tags)
        # A descriptor of its own for each bump: flock excludes open file descriptions, so
        # this serialises threads as well as processes, where a descriptor inherited
        # across fork() would share its lock with the parent.
        self._slots()  # the file exists before it is opened to lock
        with open(self.path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            slots = self._map(max(prepared, default=0), grow=True)
            n = slots[0] + 1
            # Tags first, counter last: a render stamped between the two sees the old
            # counter and the new tag, so it is merely re-rendered once.
            for i in prepared:
                slots[i] = n
            slots[0] = n
            return n

    def check(self) -> None:
        try:
            self._slots()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"cannot open the page-cache versions at {self.path}: {exc}"
            ) from exc

    def reset(self) -> None:
        self._slots()
        with open(self.path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            slots = self._map(os.fstat(lock.fileno()).st_size // 8 - 1)
            slots[:] = memoryview(bytes(len(slots) * 8)).cast("q")


# KEYS[1]: the hash; ARGV[1]: an epoch for a hash that has none; ARGV[2..]: tag fields.
_BUMP = """
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
local n = redis.call('HINCRBY', KEYS[1], 'clock', 1)
for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], n) end
return n
"""
# KEYS[1]: the hash; ARGV[1]: an epoch for a hash that has none. Returns {epoch, clock}.
_STAMP = """
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
return redis.call('HMGET', KEYS[1], 'epoch', 'clock')
"""


class RedisVersions:
    """The counter, an epoch and every tag's version as fields of one Redis hash.

    One hash, so that whatever loses part of it loses all of it: a restart (our Redis keeps
    nothing on disk), FLUSHDB or an eviction takes the epoch with the versions, and every
    check compares the epoch its stamp was taken under. A page built before the loss is
    then never fresh again, though the versions it would be compared with are gone.

    While Redis cannot be reached, nothing is kept or served from what was kept: `stamp`
    answers None and `fresh` False, so pages are rendered uncached. Bumps that cannot be
    sent are kept and sent again until Redis takes them; the process drops its local
    entries, since other servers' bumps may be waiting the same way.
    """

    KEY = "dateline:versions"
    TIMEOUT = 0.5  # seconds to connect or answer; a hit must not hang on a dead server

    def __init__(self, url: str, *, retry_seconds: float = 1.0) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url = url
        self.retry_seconds = retry_seconds
        self._errors = redis.RedisError
        # One immediate retry: a pooled connection that Redis closed when it restarted
        # fails once, and a fresh one answers.
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=self.TIMEOUT,
            socket_timeout=self.TIMEOUT,
            retry=Retry(NoBackoff(), 1),
        )
        self._bump_script = self.client.register_script(_BUMP)
        self._stamp_script = self.client.register_script(_STAMP)
        self._epoch: bytes | None = None
        self._down_until = 0.0
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._retry_timer: threading.Timer | None = None

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(*args)` against Redis, or None while Redis cannot be reached. Bumps still
        pending are sent first, so that nothing is read as fresh past one of them."""
        if self._down_until and time.monotonic() < self._down_until:
            return None
        try:
            if self._pending and fn != self._send_pending:
                self._send_pending()
            result = fn(*args)
        except self._errors as exc:
            self._went_down(exc)
            return None
        if self._down_until:
            self._down_until = 0.0
            log.warning("page cache: Redis at %s answers again", public_url(self.url))
        return result

    def _went_down(self, exc: Exception) -> None:
        if not self._down_until:
            log.warning(
                "page cache: Redis at %s cannot be reached (%s); serving pages uncached",
                public_url(self.url),
                exc,
            )
        self._down_until = time.monotonic() + self.retry_seconds
        self._epoch = None
        _drop_local()

    def _seen(self, epoch: bytes) -> None:
        if self._epoch is not None and epoch != self._epoch:
            log.warning("page cache: Redis at %s lost its versions", public_url(self.url))
            _drop_local()
        self._epoch = epoch

    def prepare(self, tags: Iterable[str]) -> tuple[bytes, ...]:
        return (b"epoch", *sorted({b"t:" + t.encode() for t in tags}))

    def stamp(self) -> tuple[bytes, int] | None:
        found = self._call(self._stamp_script, [self.KEY], [_new_epoch()])
        if found is None:
            return None
        epoch, clock = found
        self._seen(epoch)
        return epoch, int(clock or 0)

    def fresh(self, prepared: tuple[bytes, ...], stamp: tuple[bytes, int]) -> bool:
        found = self._call(self.client.hmget, self.KEY, prepared)
        if found is None:
            return False
        epoch, *versions = found
        if epoch != stamp[0]:
            if epoch is not None:
                self._seen(epoch)
            return False
        limit = stamp[1]
        for v in versions:
            if v is not None and int(v) > limit:
                return False
        return True

    def checked(self, prepared: tuple[bytes, ...], stamp: tuple[bytes, int]) -> Any:
        # One HMGET either way: nothing to gain from moving the stamp up.
        return stamp if self.fresh(prepared, stamp) else None

    def latest(self, tags: Iterable[str]) -> int:
        found = self.client.hmget(self.KEY, self.prepare(tags)[1:])
        return max((int(v) for v in found if v is not None), default=0)

    def bump(self, tags: Iterable[str]) -> int | None:
        """The new counter, or None when Redis did not take the bump: it stays pending
        and is sent before anything else this process asks Redis, and by a timer."""
        tags = set(tags)
        with self._lock:
            self._pending |= tags
        n = self._call(self._send_pending)
        if n is None:
            log.warning(
                "page cache: bump of %s not sent to Redis; kept to send again",
                " ".join(sorted(tags)[:20]) + (" …" if len(tags) > 20 else ""),
            )
            self._retry_later()
        return n

    def _send_pending(self) -> int | None:
        with self._lock:
            tags, self._pending = self._pending, set()
        if not tags:
            return None
        try:
            fields = [b"t:" + t.encode() for t in sorted(tags)]
            return int(self._bump_script(keys=[self.KEY], args=[_new_epoch(), *fields]))
        except self._errors:
            with self._lock:
                self._pending |= tags
            raise

    def _retry_later(self) -> None:
        """Resend pending bumps even if this process serves nothing more: until they
        reach Redis, other servers may show pages that they made stale."""
        with self._lock:
            if self._retry_timer is not None and self._retry_timer.is_alive():
                return
            self._retry_timer = threading.Timer(max(self.retry_seconds, 0.2), self._retry)
            self._retry_timer.daemon = True
            self._retry_timer.start()

    def _retry(self) -> None:
        self._call(self._send_pending)
        with self._lock:
            self._retry_timer = None
        if self._pending:
            self._retry_later()

    def check(self) -> None:
        try:
            self.client.ping()
        except self._errors as exc:
            raise ImproperlyConfigured(
                f"cannot reach Redis at {public_url(self.url)} (CACHE_URL): {exc}"
            ) from exc

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
        self._down_until = 0.0
        self._epoch = None
        self.client.delete(self.KEY)

    def close(self) -> None:
        if self._retry_timer is not None:
            self._retry_timer.cancel()
        self.client.close()


def _new_epoch() -> str:
    return secrets.token_hex(8)


def public_url(url: str) -> str:
    """`url` without its password, fit for a log line or an error message."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


_store: Versions | None = None


def versions() -> Versions:
    global _store
    if _store is None:
        if getattr(settings, "CACHE_SHARED", False):
            _store = RedisVersions(settings.CACHES["default"]["LOCATION"])
        else:
            _store = FileVersions(str(settings.VAR_DIR / "pagecache" / "tag-counters"))
    return _store


def use(store: Versions | None) -> Versions | None:
    """Put `store` in place of the configured one (None: the configured one again) and
    return the one it replaces. What the process kept under the old store is dropped."""
    global _store
    previous, _store = _store, store
    _drop_local()
    return previous


def invalidate(tags: Iterable[str]) -> None:
    """Bump `tags` once the current transaction commits (at once outside a transaction),
    then purge them from the HTTP caches in front, if any (pagecache/purge.py).

    After commit, not before: a page rendered between the bump and the commit would
    otherwise read the old rows and be stamped as fresh.
    """
    tags = sorted(set(tags))
    if tags:
        from dateline.pagecache.purge import hold

        # Written with the change, so the purge is not lost if this process dies first.
        held = hold(tags)
        transaction.on_commit(lambda: _changed(tags, held))


def _changed(tags: list[str], held=None) -> None:
    versions().bump(tags)
    # After the bump: a cache in front that asks again once purged must find every
    # server's own copy of the page already stale.
    from dateline.pagecache.purge import purge

    purge(tags, held)
