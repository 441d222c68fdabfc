"""An import's reading done ahead, in a second process, while this one writes.

An import reads and parses its file (the CPU of the importer), then writes a batch and
waits for the database (the CPU of the server). Done in turns, a run takes the sum of the
two; on a machine with a core to spare, `ahead` parses the next items in a forked child
while this process writes the current ones, and a run takes about the larger of the two.

The child only reads: it must not write, and it must not touch this process's database
connection (the socket is shared after the fork: one stray statement or a closed
connection would break the parent's session). Its inherited connections are set aside
unused (`_set_aside`) and it ends with `os._exit`, so no finaliser runs on them; what the
parse needs from the database is read by the caller before the fork. Items are pickled
across a pipe in frames, drained by a thread of the parent into a bounded queue (so the
child runs at most `frames_ahead` frames ahead: memory stays flat). An exception in the
child is raised here, in the caller, where the items before it have been yielded; if the
caller stops early, the child is ended.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_HEADER = struct.Struct("!Q")
_ITEMS, _END, _ERROR = "items", "end", "error"


class AheadFailed(RuntimeError):
    """The child ended without saying why (killed, or an error that would not pickle)."""


def enabled() -> bool:
    """Whether to read ahead: a second process needs `fork`, and on one core it would only
    take turns with this one. `DATELINE_IMPORT_AHEAD=0` turns it off, `=1` on."""
    wanted = os.environ.get("DATELINE_IMPORT_AHEAD", "")
    if wanted in ("0", "1"):
        return wanted == "1" and hasattr(os, "fork")
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def ahead(
    produce: Callable[[], Iterable[T]],
    *,
    use: bool | None = None,
    chunk: int = 50,
    frames_ahead: int = 16,
) -> Iterator[T]:
    """What `produce()` yields, in order, made in a forked child process while the caller
    works on the items already received (`use`: default `enabled()`; otherwise made here,
    in turns)."""
    if not (enabled() if use is None else use):
        yield from produce()
        return
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(produce, write_fd, chunk)
    os.close(write_fd)
    frames: queue.Queue = queue.Queue(maxsize=frames_ahead)
    stop = threading.Event()
    drain = threading.Thread(target=_drain, args=(read_fd, frames, stop), daemon=True)
    drain.start()
    finished = False
    try:
        while True:
            frame = frames.get()
            if frame is None:
                raise AheadFailed("the reading process ended without finishing")
            kind, value = pickle.loads(frame)
            if kind == _ITEMS:
                yield from value
            elif kind == _ERROR:
                finished = True
                raise value
            else:
                finished = True
                return
    finally:
        stop.set()
        if not finished:
            _kill(pid)
        # The thread may be blocked on a full queue: make room so it sees `stop`.
        while drain.is_alive():
            try:
                frames.get(timeout=0.05)
            except queue.Empty:
                pass
        os.waitpid(pid, 0)


def _child(produce, write_fd: int, chunk: int) -> None:
    _set_aside()
    code = 0
    try:
        out = os.fdopen(write_fd, "wb", buffering=0)
        try:
            items: list = []
            for item in produce():
                items.append(item)
                if len(items) >= chunk:
                    _send(out, (_ITEMS, items))
                    items = []
            if items:
                _send(out, (_ITEMS, items))
            _send(out, (_END, None))
        except BaseException as exc:  # noqa: BLE001 — handed to the parent, raised there
            code = 1
            if items:  # the items made before it count
                _send(out, (_ITEMS, items))
            try:
                _send(out, (_ERROR, exc))
            except Exception:  # noqa: BLE001 — an error that will not pickle
                _send(out, (_ERROR, AheadFailed(f"{type(exc).__name__}: {exc}")))
    except BaseException:  # noqa: BLE001 — the parent has gone: nothing to tell
        code = 2
    finally:
        os._exit(code)


def _send(out, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _drain(fd: int, frames: queue.Queue, stop: threading.Event) -> None:
    """The pipe read into `frames` (os.read lets go of the GIL while it waits); None when
    the child has closed it."""
    try:
        while not stop.is_set():
            header = _read_exactly(fd, _HEADER.size)
            frame = None if header is None else _read_exactly(fd, _HEADER.unpack(header)[0])
            while not stop.is_set():
                try:
                    frames.put(frame, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if frame is None:
                return
    finally:
        os.close(fd)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# Connections the child inherited: kept referenced until `os._exit`, never used or closed
# (closing would tell the server to end the parent's session).
_ASIDE: list = []


def _set_aside() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _ASIDE.append(conn.connection)
            conn.connection = None
