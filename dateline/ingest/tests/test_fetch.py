"""SSRF: only public addresses are fetched, the checked address is the one connected to, and
every redirect is checked again. Loopback is allowed only by an explicit test setting."""

from __future__ import annotations

import ipaddress
import threading

import pytest

from dateline.ingest.fetch import FetchError, fetch, public_address
from dateline.ingest.tests.http_server import serving

FORBIDDEN = [
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/",
    "http://localhost/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
    "http://[2002:a9fe:a9fe::]/",  # 6to4 wrapping the cloud metadata address
    # IPv6 forms that carry an IPv4 address inside: each decoded and checked.
    "http://[64:ff9b::7f00:1]/",  # NAT64 well-known prefix (RFC 6052) + 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 + 169.254.169.254
    "http://[64:ff9b:1::a00:1]/",  # NAT64 local-use prefix (RFC 8215): never public
    "http://[::127.0.0.1]/",  # IPv4-compatible (deprecated, RFC 4291)
    "http://[::10.0.0.1]/",
    "http://[::8.8.8.8]/",  # not global unicast, whatever it wraps
    "http://[::ffff:0:7f00:1]/",  # IPv4-translated (RFC 2765)
    "http://[::ffff:0:808:808]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo, client 192.0.2.45
    "http://[2001:db8::1]/",  # documentation
    "http://[100::1]/",  # discard-only
    "http://[ff02::1]/",  # multicast
    "http://[::]/",
    "http://224.0.0.1/",
    "http://2130706433/",  # 127.0.0.1 as one number
    "http://0x7f.0.0.1/",
]


@pytest.fixture
def loopback_allowed(settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True


@pytest.mark.parametrize("url", FORBIDDEN)
def test_non_public_addresses_are_refused(url, settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = False
    # Refused for what the address is, before any connection: this machine has no route
    # out, so a connection's failure must not pass for a refusal.
    with pytest.raises(FetchError, match="which is not a public address"):
        fetch(url)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "2606:4700:4700::1111",  # global unicast
        "::ffff:8.8.8.8",  # IPv4-mapped: the IPv4 address is where it goes
        "64:ff9b::808:808",  # NAT64 of a public address, as a DNS64 resolver answers
        "2002:808:808::1",  # 6to4 of a public address
    ],
)
def test_public_addresses_in_every_form_are_fetched(address, settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = False
    assert ipaddress.ip_address(public_address(address, 80)) == ipaddress.ip_address(address)


def test_the_loopback_setting_opens_loopback_only_not_what_wraps_it(loopback_allowed):
    assert public_address("::1", 80) == "::1"
    for host in ("64:ff9b::7f00:1", "::127.0.0.1", "::ffff:0:7f00:1", "2002:7f00:1::"):
        with pytest.raises(FetchError):
            public_address(host, 80)


def test_only_http_and_https(settings):
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "http://user:pw@x/"):
        with pytest.raises(FetchError):
            fetch(url)


def test_the_test_server_itself_is_refused_without_the_test_setting(settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = False
    with serving({"/": lambda h: (200, {}, b"inside")}) as server:
        with pytest.raises(FetchError, match="not a public address"):
            fetch(server.base + "/")
        assert server.requests == []  # refused before any connection


def test_loopback_setting_never_opens_private_or_link_local(loopback_allowed):
    assert public_address("127.0.0.1", 80) == "127.0.0.1"
    for host in ("10.0.0.1", "169.254.169.254", "::ffff:192.168.0.1", "fe80::1"):
        with pytest.raises(FetchError):
            public_address(host, 80)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/admin",
        "http://[::ffff:10.0.0.1]/",
        "file:///etc/passwd",
    ],
)
def test_redirects_are_checked_again(loopback_allowed, target):
    with serving({"/go": lambda h: (302, {"Location": target}, b"")}) as server:
        with pytest.raises(FetchError):
            fetch(server.base + "/go")
        assert [path for path, _ in server.requests] == ["/go"]


def test_redirect_chain_within_limits_is_followed_and_loops_are_not(loopback_allowed):
    routes = {
        "/a": lambda h: (301, {"Location": "/b"}, b""),
        "/b": lambda h: (307, {"Location": "/c"}, b""),
        "/c": lambda h: (200, {"Content-Type": "text/plain"}, b"arrived"),
        "/loop": lambda h: (302, {"Location": "/loop"}, b""),
    }
    with serving(routes) as server:
        got = fetch(server.base + "/a")
        assert got.body == b"arrived" and got.url.endswith("/c")
        with pytest.raises(FetchError, match="redirects"):
            fetch(server.base + "/loop")


def test_size_cap_declared_or_streamed(loopback_allowed):
    def streamed(handler):
        return 200, {"Content-Length": str(5000)}, b"x" * 5000

    def undeclared(handler):
        handler.close_connection = True
        return 200, {"Content-Length": "5000"}, b"y" * 5000

    with serving({"/big": streamed, "/stream": undeclared}) as server:
        with pytest.raises(FetchError, match="larger than 1000"):
            fetch(server.base + "/big", max_bytes=1000)
        assert fetch(server.base + "/big", max_bytes=5000).body == b"x" * 5000


def test_a_server_that_never_answers_times_out(loopback_allowed):
    release = threading.Event()

    def hang(handler):
        release.wait(10)
        return 200, {}, b"late"

    with serving({"/hang": hang}) as server:
        try:
            with pytest.raises(FetchError, match="within"):
                fetch(server.base + "/hang", timeout=0.5)
        finally:
            release.set()


def test_conditional_get_sends_validators_and_reports_304(loopback_allowed):
    def feed(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Sun, 29 Nov 2026 08:00:00 GMT"}, b"<rss/>"

    with serving({"/feed": feed}) as server:
        first = fetch(server.base + "/feed")
        assert first.status == 200 and first.etag == '"v1"'
        again = fetch(server.base + "/feed", etag=first.etag, last_modified=first.last_modified)
        assert again.not_modified and again.body == b""
        sent = server.requests[-1][1]
        assert sent["If-None-Match"] == '"v1"'
        assert sent["If-Modified-Since"] == "Sun, 29 Nov 2026 08:00:00 GMT"
