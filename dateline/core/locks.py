"""Site locks: held by one process among all the site's servers at a time, for as long as
that process lives (the wire poller: `dateline ingest`).

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of the
  lock's own, in autocommit, so that no transaction of the process's work can end it. It is
  released when the connection closes, so a process that dies, or loses its connection,
  loses the lock and another takes over; `held()` asks the server, so the holder finds out.
- SQLite: an exclusive `flock` on a file beside the database. A SQLite database lives on one
  machine (it cannot be shared between machines safely), so every process that uses it is
  on this machine and sees the same lock; the kernel releases it when the process dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from django.db import connections


def _key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks are keyed by bigint)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class SiteLock:
    def __init__(self, name: str, *, using: str = "default") -> None:
        self.name = name
        self.using = using
        self._pg = None  # the lock's own PostgreSQL connection, while held
        self._file = None  # the flocked file, while held

    @property
    def vendor(self) -> str:
        return connections[self.using].vendor

    def acquire(self) -> bool:
        """Take the lock if no process holds it; True when this one now does."""
        if self.held():
            return True
        if self.vendor == "postgresql":
            return self._acquire_pg()
        return self._acquire_file()

    def held(self) -> bool:
        if self._pg is not None:
            try:
                with self._pg.cursor() as cursor:
                    # A bigint key is held as two oids: its high and low 32 bits.
                    key = _key(self.name) & 0xFFFFFFFFFFFFFFFF
                    cursor.execute(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
                        "AND classid::bigint = %s AND objid::bigint = %s",
                        [key >> 32, key & 0xFFFFFFFF],
                    )
                    if cursor.fetchone()[0]:
                        return True
            except Exception:  # the connection is gone, and the lock with it
                pass
            self.release()
            return False
        return self._file is not None

    def release(self) -> None:
        if self._pg is not None:
            try:
                self._pg.close()  # closing the session releases its advisory locks
            except Exception:
                pass
            self._pg = None
        if self._file is not None:
            self._file.close()  # and closing the file its flock
            self._file = None

    def _acquire_pg(self) -> bool:
        wrapper = connections[self.using]
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(self.name)])
            taken = cursor.fetchone()[0]
        if not taken:
            raw.close()
            return False
        self._pg = raw
        return True

    def _acquire_file(self) -> bool:
        database = Path(str(connections[self.using].settings_dict["NAME"]))
        slug = "".join(c if c.isalnum() else "-" for c in self.name)
        path = database.with_name(f"{database.name}.{slug}.lock")
        handle = open(path, "a")  # noqa: SIM115 - kept open while the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        os.set_inheritable(handle.fileno(), False)
        self._file = handle
        return True

    def __enter__(self) -> SiteLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
