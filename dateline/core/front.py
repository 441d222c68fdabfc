"""The front of `dateline serve`: an RSGI application that reads each request whole, within
limits, before a WSGI thread sees it.

Why. Under WSGI a request's body is read by the thread that runs the application, so a
client that announces `Content-Length: 100000` and sends a byte every few seconds holds
that thread for as long as it likes; sixteen such clients took a two-worker site offline,
cached pages included (issue 10). Here granian (HTTP in Rust) calls this coroutine on its
event loop once a request's headers are in, and the body is read on the loop, where a
slow client costs a socket, a coroutine and what it has sent so far. Only a complete
request is handed to the pool of WSGI threads; a response is sent from the loop too, so a
slow reader does not hold a thread either (a streamed file is read a block at a time in the
pool, and sent while no thread waits).

Limits (`Limits`), each checked before the application runs:
- **size**: a Content-Length over the cap gets 413 at once, with nothing read (and no
  `100 Continue` sent); a chunked body is counted and refused on the byte that passes the
  cap. Within the cap the body is kept in memory up to `spool_bytes`, then in an anonymous
  temporary file, as Django itself would.
- **time**: the body must arrive at `min_rate` bytes a second on average after a grace of
  `body_timeout` seconds (Apache's mod_reqtimeout `body=…,MinRate=…`): the deadline is
  `start + body_timeout + received / min_rate`, so an honest upload on a slow line
  extends it as it goes and a trickle of a byte every few seconds is cut off after about
  `body_timeout`. Past the deadline: 408 and the connection is closed.
- **headers and idle keep-alive**: granian's `--http1-header-read-timeout` (set by
  `dateline serve`) closes a connection whose headers do not arrive in time, and a
  keep-alive connection that sends no new request in that time.

Why not an adapter from a library: the WSGI-to-ASGI adapters (a2wsgi, asgiref, uvicorn's)
feed the body to the WSGI thread as it arrives (a2wsgi on purpose, to keep memory flat), so
the thread waits on the client again; a server that parses HTTP in Python (uvicorn, h11)
costs more per request than a whole page-cache hit under granian. granian's RSGI interface
hands the body over chunk by chunk on the loop; what is left to write is the buffer, the
limits and the environ.

This module knows nothing of Django: config/rsgi.py builds it around config.wsgi's
application with the limits from settings.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# A streamed response body (a file from media/) is read from the application in blocks of
# this size; each block costs one hand-off to a WSGI thread.
STREAM_BLOCK = 256 * 1024
_END = object()
# A streamed response whose reader takes no block for this long is dropped.
SEND_TIMEOUT = 60.0

log = logging.getLogger("dateline.front")


@dataclass(frozen=True)
class Limits:
    """What a request may send. Bodies of up to `body_max` bytes are accepted anywhere; up
    to `upload_max` on paths under `upload_prefixes` when the request carries the cookie
    `upload_cookie` (a session: anonymous requests cannot upload, so they never get the
    large cap, not even on the login form)."""

    body_max: int = 1024 * 1024
    upload_max: int = 40 * 1024 * 1024
    upload_prefixes: tuple[str, ...] = ("/admin/", "/newsroom/")
    upload_cookie: str = "sessionid"
    body_timeout: float = 10.0
    min_rate: int = 50 * 1024
    spool_bytes: int = 256 * 1024

    def body_cap(self, path: str, cookie: str) -> int:
        if path.startswith(self.upload_prefixes) and _has_cookie(cookie, self.upload_cookie):
            return max(self.upload_max, self.body_max)
        return self.body_max


def _has_cookie(header: str, name: str) -> bool:
    """Whether the Cookie header carries a non-empty `name` (RFC 6265 pairs)."""
    if name not in header:
        return False
    for pair in header.split(";"):
        key, _, value = pair.partition("=")
        if key.strip() == name and value.strip():
            return True
    return False


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class ClientGone(Exception):
    pass


class FileWrapper:
    """`wsgi.file_wrapper` (PEP 3333): Django hands a FileResponse's file to it, and the
    front reads it a block at a time in the pool."""

    def __init__(self, filelike, blksize: int = STREAM_BLOCK) -> None:
        self.filelike = filelike
        self.blksize = max(blksize, STREAM_BLOCK)

    def __iter__(self) -> Iterator[bytes]:
        while block := self.filelike.read(self.blksize):
            yield block

    def close(self) -> None:
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


_PROTOCOLS = {"1": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2"}
# Header name → environ key, for the names seen so far (a few dozen in practice).
_ENVIRON_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    """HTTP_X_NAME for x-name; "" for a name with an underscore, which would land on the
    same key as its hyphenated twin (X_Forwarded_For as X-Forwarded-For): dropped, as
    gunicorn and nginx do, rather than let it stand in for a header a proxy vouches for."""
    if "_" in name:
        key = ""
    else:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
    if len(_ENVIRON_KEYS) < 1000:  # header names are the client's to choose
        _ENVIRON_KEYS[name] = key
    return key


def _plain(status: int, text: str) -> tuple[int, list[tuple[str, str]], bytes]:
    body = (text + "\n").encode()
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    return status, headers, body


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"


class Front:
    """RSGI application (granian `--interface rsgi`) in front of a WSGI application."""

    def __init__(
        self,
        app: Callable,
        *,
        limits: Limits | None = None,
        hit: Callable | None = None,
        threads: int = 4,
    ) -> None:
        self.app = app
        # hit(scope) → (status, headers, body) from memory without waiting on anything, or
        # None: called on the loop for a request without a body, before its environ is
        # built, so that a page-cache hit costs no thread hand-off and little Python.
        self.hit = hit
        self.limits = limits or Limits()
        # Threads start on first use, so a worker forked after this is made has its own.
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="dateline-wsgi")
        self._servers: dict[str, tuple[str, str]] = {}

    def __rsgi_del__(self, loop) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope, protocol) -> None:
        if scope.proto != "http":  # websockets are off (`--no-ws`)
            return
        headers = scope.headers
        length = headers.get("content-length")
        body = None
        if length is not None or "chunked" in headers.get("transfer-encoding", "").lower():
            refusal, body = await self._body(scope, protocol, length)
            if refusal is not None:
                protocol.response_bytes(*refusal)
                return
            if body is None:  # the client went away before its body was complete
                return
        elif self.hit is not None:
            # Before any environ is built: a hit is a lookup and bytes ready to send.
            try:
                answered = self.hit(scope)
            except Exception:  # let the thread path (and Django's error page) have it
                log.exception("the page cache failed on %s", scope.path)
                answered = None
            if answered is not None:
                protocol.response_bytes(*answered)
                return
        environ = self._environ(scope, body)
        loop = asyncio.get_running_loop()
        try:
            status, response_headers, payload = await loop.run_in_executor(
                self.pool, self._call, environ
            )
        except Exception:
            # Django answers its own errors; this is a fault of the layers around it.
            log.exception("the application failed on %s %s", scope.method, scope.path)
            protocol.response_bytes(*_plain(500, "Server error."))
            return
        if isinstance(payload, bytes):
            protocol.response_bytes(status, response_headers, payload)
        else:
            await self._stream(loop, protocol, status, response_headers, payload)

    async def _body(self, scope, protocol, length: str | None):
        """(refusal, None) for a body the limits refuse, (None, file) for a body read whole,
        (None, None) when the client left before the end of it."""
        cap = self.limits.body_cap(scope.path, scope.headers.get("cookie", ""))
        too_large = _plain(413, f"Request body too large: the limit here is {_size(cap)}.")
        declared = None
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return _plain(400, "Bad Content-Length."), None
            if declared > cap:
                # Refused on the header: nothing is read, and no 100 Continue is sent.
                return too_large, None
        try:
            body, received = await self._read(protocol, cap)
        except BodyTooLarge:
            return too_large, None
        except BodyTooSlow:
            return _plain(408, "Request body too slow."), None
        except ClientGone:
            return None, None
        if declared is not None and received < declared:
            body.close()
            return None, None
        return None, body

    async def _read(self, protocol, cap: int):
        """The body, in memory or (past `spool_bytes`) in a temporary file, and its size."""
        limits = self.limits
        start = time.monotonic()
        received = 0
        buffer = io.BytesIO()
        spooled = False
        chunks = protocol.__aiter__()
        try:
            while True:
                # mod_reqtimeout's rule: a grace period, then a minimum average rate.
                deadline = start + limits.body_timeout + received / limits.min_rate
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BodyTooSlow
                try:
                    chunk = await asyncio.wait_for(chunks.__anext__(), remaining)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise BodyTooSlow from None
                except Exception:  # the connection broke (a chunked body cut short too)
                    raise ClientGone from None
                received += len(chunk)
                if received > cap:
                    raise BodyTooLarge
                if not spooled and received > limits.spool_bytes:
                    spool = tempfile.TemporaryFile()  # unlinked at once: gone when closed
                    spool.write(buffer.getbuffer())
                    buffer = spool
                    spooled = True
                buffer.write(chunk)
        except BaseException:
            buffer.close()
            raise
        buffer.seek(0)
        return buffer, received

    def _environ(self, scope, body) -> dict:
        if body is None:
            body = io.BytesIO()
        path = scope.path
        server = self._servers.get(scope.server)
        if server is None:
            host, _, port = scope.server.rpartition(":")
            server = self._servers[scope.server] = (host.strip("[]"), port)
        environ = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            # granian hands over the path percent-decoded as UTF-8; PEP 3333 wants its
            # bytes as latin-1 (Django encodes them back).
            "PATH_INFO": path if path.isascii() else path.encode().decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server[0],
            "SERVER_PORT": server[1],
            "SERVER_PROTOCOL": _PROTOCOLS.get(scope.http_version, "HTTP/1.1"),
            "REMOTE_ADDR": scope.client.rpartition(":")[0].strip("[]"),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": body,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.file_wrapper": FileWrapper,
        }
        keys = _ENVIRON_KEYS
        for name, value in scope.headers.items():
            key = keys.get(name)
            if key is None:
                key = _environ_key(name)
            if not key:
                continue
            if key in environ:
                environ[key] += ("; " if key == "HTTP_COOKIE" else ",") + value
            else:
                environ[key] = value
        if "HTTP_HOST" not in environ and scope.authority:
            environ["HTTP_HOST"] = scope.authority
        return environ

    def _call(self, environ: dict):
        """In a WSGI thread: run the application; return the status, the headers and the
        whole body as bytes, or an iterator for a streamed body (its first block read)."""
        captured: list = []
        written: list[bytes] = []

        def start_response(status, headers, exc_info=None):
            if exc_info is not None and captured:
                raise exc_info[1].with_traceback(exc_info[2])
            captured[:] = [status, headers]
            return written.append

        result = self.app(environ, start_response)
        streamed = isinstance(result, FileWrapper) or getattr(result, "streaming", False)
        if not streamed and (isinstance(result, list | tuple) or hasattr(result, "content")):
            try:
                body = b"".join(written) + b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            status, headers = captured
            return int(status[:3]), headers, body
        iterator = iter(result)
        first = next(iterator, _END)
        status, headers = captured
        if written:
            first = b"".join(written) + (b"" if first is _END else first)
        return int(status[:3]), headers, (result, iterator, first)

    async def _stream(self, loop, protocol, status, headers, payload) -> None:
        """Send a streamed body from the loop, reading each block in the pool: a slow
        reader holds a coroutine and one block, never a thread; one that stops reading
        for SEND_TIMEOUT is dropped."""
        result, iterator, first = payload
        try:
            transport = protocol.response_stream(status, headers)
            block = first
            while block is not _END:
                if block:
                    await asyncio.wait_for(transport.send_bytes(block), SEND_TIMEOUT)
                block = await loop.run_in_executor(self.pool, next, iterator, _END)
        except Exception:  # the reader went away, or stalled
            pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                await loop.run_in_executor(self.pool, close)
