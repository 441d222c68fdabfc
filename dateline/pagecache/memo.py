"""Per-process memo of small reads shared by many pages (settings, navigation, a section's
newest stories, curated lists), kept while none of its tags has been bumped since it was
loaded and, when given, until `expires_at` (the next scheduled story changes what is
visible without any write)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dateline.pagecache.versions import versions

_memos: dict[str, tuple[int, float | None, Any]] = {}
_lock = threading.Lock()


def memoized(
    key: str, tags: tuple[str, ...], load: Callable[[], Any], *, expires_at: float | None = None
) -> Any:
    hit = _memos.get(key)
    if (
        hit is not None
        and (hit[1] is None or hit[1] > time.time())
        and versions().latest(tags) < hit[0]
    ):
        return hit[2]
    started = time.time_ns()
    value = load()
    with _lock:
        _memos[key] = (started, expires_at, value)
    return value


def forget(key: str) -> None:
    _memos.pop(key, None)


def clear() -> None:
    _memos.clear()
