"""Tag versions: the time (ns) each dependency tag was last bumped.

Two stores, chosen by the cache configuration:
- a memory-mapped file under var/ when the cache is per-process (one machine, several
  workers): reading a version is a few microseconds, so a cache hit stays cheap; tags hash
  into a fixed table, so a collision only costs an extra re-render, never a stale page;
- the shared cache (Redis) when several servers run.

Versions are timestamps rather than counters: two processes bumping the same slot at once
each write a value newer than any page built before, so no bump can be lost.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
import time
import zlib
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

SLOTS = 1 << 14
_SLOT = struct.Struct("<q")


class FileVersions:
    def __init__(self, path: str) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._lock = threading.Lock()

    def _mm(self) -> mmap.mmap:
        if self._map is None:
            with self._lock:
                if self._map is None:
                    os.makedirs(os.path.dirname(self.path), exist_ok=True)
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    try:
                        if os.fstat(fd).st_size < SLOTS * 8:
                            os.ftruncate(fd, SLOTS * 8)
                        self._map = mmap.mmap(fd, SLOTS * 8)
                    finally:
                        os.close(fd)
        return self._map

    @staticmethod
    def _offset(tag: str) -> int:
        return (zlib.crc32(tag.encode()) % SLOTS) * 8

    def latest(self, tags: Iterable[str]) -> int:
        mm = self._mm()
        return max((_SLOT.unpack_from(mm, self._offset(t))[0] for t in tags), default=0)

    def bump(self, tags: Iterable[str]) -> None:
        mm = self._mm()
        stamp = time.time_ns()
        for tag in tags:
            offset = self._offset(tag)
            current = _SLOT.unpack_from(mm, offset)[0]
            _SLOT.pack_into(mm, offset, max(stamp, current + 1))

    def reset(self) -> None:
        mm = self._mm()
        mm[:] = bytes(SLOTS * 8)


class CacheVersions:
    """Versions kept in the shared Django cache (Redis) for multi-server installs."""

    prefix = "dl:tag:"

    def __init__(self) -> None:
        from django.core.cache import cache

        self.cache = cache

    def latest(self, tags: Iterable[str]) -> int:
        keys = [self.prefix + t for t in tags]
        values = self.cache.get_many(keys)
        return max((int(v) for v in values.values()), default=0)

    def bump(self, tags: Iterable[str]) -> None:
        stamp = time.time_ns()
        self.cache.set_many({self.prefix + t: stamp for t in tags}, timeout=None)

    def reset(self) -> None:
        """For tests: tag keys cannot be listed, so the whole shared cache is cleared."""
        self.cache.clear()


_store: FileVersions | CacheVersions | None = None


def versions() -> FileVersions | CacheVersions:
    global _store
    if _store is None:
        if getattr(settings, "CACHE_SHARED", False):
            _store = CacheVersions()
        else:
            _store = FileVersions(str(settings.VAR_DIR / "pagecache" / "tag-versions"))
    return _store


def invalidate(tags: Iterable[str]) -> None:
    """Bump `tags` once the current transaction commits (at once outside a transaction).

    After commit, not before: a page rendered between the bump and the commit would
    otherwise read the old rows and be stamped as fresh.
    """
    tags = sorted(set(tags))
    if tags:
        transaction.on_commit(lambda: versions().bump(tags))
