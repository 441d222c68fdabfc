"""What every import path shares: the result lines PRODUCT.md promises, and the fetch of
pictures from outside (http(s) only, with a size and a time limit)."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = (
    "created",
    "updated",
    "unchanged",
    "skipped",
    "failed",
)


@dataclass
class ItemResult:
    outcome: str
    source_id: str
    detail: str = ""
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        detail = self.detail
        if self.notes:
            detail = f"{detail} ({'; '.join(self.notes)})" if detail else "; ".join(self.notes)
        return f"{self.outcome} {self.source_id or '-'} {detail}".rstrip()


@dataclass
class Report:
    results: list[ItemResult] = field(default_factory=list)
    # Called with each result as it is added, so a long import shows its progress.
    on_result: Callable[[ItemResult], None] | None = None

    def add(self, result: ItemResult) -> ItemResult:
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return result

    @property
    def failed(self) -> int:
        return sum(r.outcome == FAILED for r in self.results)

    def summary(self) -> str:
        counts = {k: 0 for k in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
        for r in self.results:
            counts[r.outcome] += 1
        return ", ".join(f"{n} {k}" for k, n in counts.items())


class FetchError(Exception):
    pass


def _check_public_host(host: str) -> None:
    # Basic SSRF guard; the full resolve-and-pin version comes with wire ingest.
    if getattr(settings, "DATELINE_FETCH_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if not address.is_global:
            raise FetchError(f"{host} resolves to a non-public address")


def fetch_url(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    max_bytes = max_bytes or settings.DATELINE_FETCH_MAX_BYTES
    timeout = timeout or settings.DATELINE_FETCH_TIMEOUT
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"only http(s) URLs are fetched, not {url[:80]!r}")
    _check_public_host(parts.hostname)
    request = urllib.request.Request(url, headers={"User-Agent": "Dateline/0.1 (+ingest)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"fetch failed: {reason}") from None
    if len(data) > max_bytes:
        raise FetchError(f"larger than {max_bytes} bytes")
    return data
