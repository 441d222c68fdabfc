"""Fetching from outside, where every URL is hostile until proven otherwise.

Only http(s). The host is resolved once, every address it resolves to must be public, and
the connection goes to the address we checked (so a DNS answer that changes between check
and connect cannot point us at the inside: no DNS rebinding). Redirects are followed by
hand, at most five, each one checked the same way. A response is read up to a size cap,
within a time limit for the whole exchange; conditional GET (ETag / Last-Modified) is
supported for polling feeds. `post` sends a body the same way (webhooks), following no
redirect.

Tests serve from 127.0.0.1, which is refused like any loopback address unless
settings.DATELINE_FETCH_ALLOW_LOOPBACK is on; nothing else (private, link-local, reserved,
multicast) is ever allowed, nor an IPv6 address that wraps one (IPv4-mapped, NAT64,
IPv4-compatible, IPv4-translated, 6to4, Teredo): of IPv6, only global unicast.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field

from django.conf import settings

USER_AGENT = "Dateline/0.1 (+ingest)"
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The fetch was refused or failed; the message says why, for the import's output."""


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# IPv6 forms that carry an IPv4 address in their last 32 bits. A packet to one of them
# reaches that IPv4 address (through a NAT64 gateway, a translator, or a host's own
# stack), so the IPv4 address is what is checked.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291 2.5.5.1, deprecated
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")  # RFC 4291 2.4


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address `address` wraps: IPv4-mapped, NAT64, IPv4-compatible and
    IPv4-translated in the last 32 bits, 6to4 in bits 16-48, Teredo its server and client
    (the client's obfuscated, as `ipaddress` undoes)."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if any(address in net for net in (_NAT64, _IPV4_COMPATIBLE, _IPV4_TRANSLATED)):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, wrapped=False) -> bool:
    # The tests' loopback is 127.0.0.1 or ::1 as such, never wrapped in another form.
    if address.is_loopback and not wrapped and settings.DATELINE_FETCH_ALLOW_LOOPBACK:
        return True
    if isinstance(address, ipaddress.IPv4Address):
        return address.is_global and not address.is_multicast
    embedded = _embedded_ipv4(address)
    if not all(_allowed(inner, wrapped=True) for inner in embedded):
        return False
    if address.ipv4_mapped is not None or address in _NAT64:
        # Only ever the wrapped IPv4 address is reached, and it is public.
        return True
    # Otherwise only global unicast that IANA calls globally reachable: not the
    # IPv4-compatible or -translated forms, not Teredo, documentation, discard-only,
    # unique local, link-local, multicast, nor NAT64's local-use prefix (RFC 8215).
    return address in _GLOBAL_UNICAST and address.is_global and not address.teredo


def public_address(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {getattr(exc, 'strerror', exc)}") from None
        candidates = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not candidates:
        raise FetchError(f"{host} has no address")
    for address in candidates:
        if not _allowed(address):
            raise FetchError(f"{host} resolves to {address}, which is not a public address")
    return str(candidates[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and SNI are for the host name; the socket is to the checked address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> Fetched:
    max_bytes = max_bytes or settings.DATELINE_FETCH_MAX_BYTES
    timeout = timeout or settings.DATELINE_FETCH_TIMEOUT
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts, host, port, address = _checked(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"no answer within {timeout:g} s")
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(host, port, address, remaining)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            status = response.status
            got = {k.lower(): v for k, v in response.getheaders()}
            if status in (301, 302, 303, 307, 308):
                location = got.get("location", "")
                if not location:
                    raise FetchError(f"HTTP {status} without a Location")
                current = urllib.parse.urljoin(current, location)
                continue
            if status == 304:
                return Fetched(current, 304, b"", got)
            if status != 200:
                raise FetchError(f"HTTP {status}")
            declared = got.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"larger than {max_bytes} bytes")
            chunks, size = [], 0
            while chunk := response.read(min(65536, max_bytes + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"larger than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"no complete answer within {timeout:g} s")
            return Fetched(current, 200, b"".join(chunks), got)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError | socket.timeout):
                raise FetchError(f"no answer within {timeout:g} s") from None
            raise FetchError(f"fetch failed: {exc}") from None
        finally:
            connection.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


@dataclass
class Posted:
    status: int
    body: bytes


def _checked(url: str) -> tuple[urllib.parse.SplitResult, str, int, str]:
    """`url`'s parts, host, port and the public address to connect to, or FetchError."""
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise FetchError(f"not a valid URL: {url[:120]!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"only http(s) URLs are fetched, not {url[:120]!r}")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched")
    port = port or (443 if parts.scheme == "https" else 80)
    return parts, host, port, public_address(host, port)


def check_url(url: str) -> None:
    """FetchError unless `url` is http(s) on a public address (now: it is checked again
    when used, since DNS may change)."""
    _checked(url)


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    timeout: float | None = None,
    max_bytes: int = 64 * 1024,
) -> Posted:
    """POST `body` to `url` on a public address (checked as `fetch` checks), connecting to
    the checked address. A redirect is an answer like any other, never followed: the body
    was meant for this address. Reads at most `max_bytes` of the answer."""
    timeout = timeout or settings.DATELINE_FETCH_TIMEOUT
    parts, host, port, address = _checked(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **headers}
    try:
        connection.request("POST", target, body=body, headers=sent)
        response = connection.getresponse()
        return Posted(response.status, response.read(max_bytes))
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError | socket.timeout):
            raise FetchError(f"no answer within {timeout:g} s") from None
        raise FetchError(f"send failed: {exc}") from None
    finally:
        connection.close()


def fetch_url(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    """The body at `url`, or FetchError."""
    return fetch(url, max_bytes=max_bytes, timeout=timeout).body


def read_location(location: str, *, accept: str = "*/*") -> tuple[bytes, str]:
    """What a command line import names: an http(s) address (fetched as above) or a file
    (`.gz` unpacked), within the import size limit. Returns the bytes and the final URL
    ("" for a file)."""
    import gzip
    from pathlib import Path

    if location.startswith(("http://", "https://")):
        got = fetch(location, accept=accept)
        return got.body, got.url
    path = Path(location)
    if not path.is_file():
        raise FetchError(f"{location} is neither a web address nor a file")
    limit = settings.DATELINE_IMPORT_MAX_BYTES
    if path.stat().st_size > limit:
        raise FetchError(f"file is over the import limit of {limit} bytes")
    if path.suffix == ".gz":
        with gzip.open(path) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise FetchError(f"file unpacks to more than the import limit of {limit} bytes")
        return data, ""
    return path.read_bytes(), ""
