"""SQLite's own count of the virtual-machine steps a call takes: how much of the
database a read touched, the same on a loaded machine as on a quiet one (unlike time)."""

from __future__ import annotations

from django.db import connection


def sqlite_steps(call) -> int:
    raw = connection.connection
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0

    raw.set_progress_handler(step, 1)
    try:
        call()
    finally:
        raw.set_progress_handler(None, 1)
    return count[0]
