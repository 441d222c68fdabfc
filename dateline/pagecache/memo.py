"""Per-process memo of small, rarely changing reads (settings, navigation, curated lists),
kept while none of its tags has been bumped since it was loaded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dateline.pagecache.versions import versions

_memos: dict[str, tuple[int, Any]] = {}
_lock = threading.Lock()


def memoized(key: str, tags: tuple[str, ...], load: Callable[[], Any]) -> Any:
    hit = _memos.get(key)
    if hit is not None and versions().latest(tags) < hit[0]:
        return hit[1]
    started = time.time_ns()
    value = load()
    with _lock:
        _memos[key] = (started, value)
    return value


def clear() -> None:
    _memos.clear()


def forget(key: str) -> None:
    _memos.pop(key, None)
