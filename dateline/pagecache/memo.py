"""Per-process memo of small reads shared by many pages (settings, navigation, a section's
newest stories, curated lists), kept while none of its tags has been bumped since it was
loaded and, when given, until `expires_at` (the next scheduled story changes what is
visible without any write)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dateline.pagecache.versions import on_loss, versions

# key -> (stamp, expires_at, value, the version store's handle on the tags)
_memos: dict[str, tuple[Any, float | None, Any, Any]] = {}
_lock = threading.Lock()


def memoized(
    key: str, tags: tuple[str, ...], load: Callable[[], Any], *, expires_at: float | None = None
) -> Any:
    store = versions()
    hit = _memos.get(key)
    if hit is not None and (hit[1] is None or hit[1] > time.time()) and store.fresh(hit[3], hit[0]):
        return hit[2]
    # Taken before loading: a bump during the load makes the value stale at once. None
    # while the store cannot be read: the value is used but not kept.
    stamp = store.stamp()
    value = load()
    if stamp is not None:
        with _lock:
            _memos[key] = (stamp, expires_at, value, store.prepare(tags))
    return value


def memoized_tagged(
    key: str, load: Callable[[], tuple[Any, Any]], *, expires_at: float | None = None
) -> Any:
    """`memoized` for a value whose tags are known only once it is loaded (the stories of a
    list, and each one's teaser): `load` returns (value, tags). The stamp is still taken
    before the load, so a bump of any of those tags during it makes the value stale."""
    store = versions()
    hit = _memos.get(key)
    if hit is not None and (hit[1] is None or hit[1] > time.time()) and store.fresh(hit[3], hit[0]):
        return hit[2]
    stamp = store.stamp()
    value, tags = load()
    if stamp is not None:
        with _lock:
            _memos[key] = (stamp, expires_at, value, store.prepare(tags))
    return value


def forget(key: str) -> None:
    _memos.pop(key, None)


def clear() -> None:
    _memos.clear()


on_loss(clear)
