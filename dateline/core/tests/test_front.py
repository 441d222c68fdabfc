"""The front of `dateline serve` (dateline/core/front.py) against a real server process:
slow clients, idle connections and bodies over the cap, while a reader keeps being served.

Short limits for the test's sake (the defaults are 10 s, 15 s, 1 MB, 40 MB): bodies get a
grace of BODY_TIMEOUT seconds, headers and idle keep-alive connections HEADER_TIMEOUT.
Every wait below polls a socket against a deadline; nothing sleeps to time the server.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import io
import os
import re
import resource
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from PIL import Image

from dateline.core.tests.serving import DATELINE, ROOT, STORY, make_site, serving, site_env

BODY_TIMEOUT = 4
HEADER_TIMEOUT = 2
# What the server may take beyond a limit to act on it, on two busy cores.
SLACK = 4.0
# How long a reader's request may take while the attack goes on.
READER_BOUND = 3.0
CSRF = "c" * 32
# 1,100 idle connections: more than granian's default backpressure (its backlog, 1,024,
# shared among the workers), which counts every connection, idle or not, and took the site
# offline for as long as they stayed open; `dateline serve` sets its own (serve.py).
SLOW_CLIENTS, IDLE_CLIENTS = 50, 1100


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    var = tmp_path_factory.mktemp("front") / "var"
    env = site_env(
        var,
        DATELINE_BODY_TIMEOUT=str(BODY_TIMEOUT),
        DATELINE_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
    )
    make_site(env)
    with serving(env, "--workers", "2") as (url, port):
        yield env, url, port


async def _request(port: int, head: str, timeout: float) -> tuple[int, float]:
    """Send `head` (a request without a body) on a new connection; the status and the time
    the whole response took."""
    started = time.monotonic()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(head.encode())
        data = await asyncio.wait_for(reader.read(), timeout - (time.monotonic() - started))
    finally:
        writer.close()
    return int(data[9:12]), time.monotonic() - started


def _get(path: str, *, close: bool = True) -> str:
    connection = "Connection: close\r\n" if close else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{connection}\r\n"


async def _slow_body(port: int, every: float, held: list, done: list, ready: asyncio.Event):
    """A client that announces 100,000 bytes and sends one byte every `every` seconds, on a
    free csrftoken cookie, until the server answers or closes; records how long it held."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: csrftoken={CSRF}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    started = time.monotonic()
    held.append(started)
    if len(held) == SLOW_CLIENTS:
        ready.set()
    answer = b""
    while True:
        try:
            answer = await asyncio.wait_for(reader.read(64), every)
            break
        except TimeoutError:
            try:
                writer.write(b"a")
                await writer.drain()
            except ConnectionError:
                break
        except ConnectionError:
            break
    done.append((time.monotonic() - started, answer[9:12]))
    writer.close()


async def _attack_while_reading(port: int):
    held, done, idle = [], [], []
    ready = asyncio.Event()
    tasks = [
        asyncio.create_task(_slow_body(port, 1.0, held, done, ready)) for _ in range(SLOW_CLIENTS)
    ]
    for _ in range(IDLE_CLIENTS):  # connected, and never a byte sent
        idle.append(await asyncio.open_connection("127.0.0.1", port))
    # a client that never finishes its headers
    _, slow_headers = await asyncio.open_connection("127.0.0.1", port)
    slow_headers.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    await asyncio.wait_for(ready.wait(), 30)

    # Pairs of reads for as long as every slow body is still held (up to 10 pairs): on a
    # busy machine fewer fit in the bodies' grace, and a read after the first 408 would no
    # longer show readers served *while* the attack goes on.
    reads, still_held = [], []
    for n in range(10):
        if done:
            break
        reads.append(("cached", *await _request(port, _get(STORY), READER_BOUND)))
        reads.append(("uncached", *await _request(port, _get(f"{STORY}?r={n}"), READER_BOUND)))
        still_held.append(len(held) - len(done))

    await asyncio.wait_for(asyncio.gather(*tasks), BODY_TIMEOUT + SLACK + 10)
    for _, writer in idle:
        writer.close()
    slow_headers.close()
    return reads, still_held, done


def test_readers_are_served_while_slow_and_idle_clients_hold_connections(site):
    env, url, port = site
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = SLOW_CLIENTS + IDLE_CLIENTS + 200
    if soft < needed:  # this process's own sockets
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))
    reads, still_held, slow = asyncio.run(_attack_while_reading(port))

    # Every read was answered in time, while all 50 slow bodies were still being sent.
    assert len(still_held) >= 2 and set(still_held[:-1]) == {50}
    expected = [("cached", 200), ("uncached", 200)] * len(still_held)
    assert [(kind, status) for kind, status, _ in reads] == expected
    assert max(took for _, _, took in reads) < READER_BOUND
    # Each slow client was answered 408 and cut off once its grace was over.
    assert len(slow) == 50
    assert {answer for _, answer in slow} == {b"408"}
    assert all(BODY_TIMEOUT - 0.5 < held < BODY_TIMEOUT + SLACK for held, _ in slow)


async def _until_closed(port: int, send: bytes, bound: float) -> tuple[bytes, float]:
    """Send `send`, then read until the server closes the connection (or `bound` passes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(send)
    started = time.monotonic()
    received = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), bound):
            received += chunk
    finally:
        writer.close()
    return received, time.monotonic() - started


def test_idle_keep_alive_connections_and_slow_headers_are_closed(site):
    _, _, port = site
    # A keep-alive connection: the response, then nothing; the server closes it.
    received, took = asyncio.run(_until_closed(port, _get(STORY, close=False).encode(), 30))
    assert received.startswith(b"HTTP/1.1 200")
    assert took < HEADER_TIMEOUT + SLACK
    # Headers that never end.
    received, took = asyncio.run(_until_closed(port, b"GET / HTTP/1.1\r\nHost: x\r\n", 30))
    assert took < HEADER_TIMEOUT + SLACK


def test_a_body_over_the_cap_is_refused_before_it_is_read(site):
    _, _, port = site
    # The attack of issue 10: 1 GB of multipart to the login form on a free csrftoken.
    # Only the headers are sent: the 413 comes back, and the server closes the connection.
    head = (
        "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: csrftoken={CSRF}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {1024**3}\r\n\r\n"
    )
    received, took = asyncio.run(_until_closed(port, head.encode(), 10))
    assert received.startswith(b"HTTP/1.1 413")
    assert b"the limit here is 1 MB" in received
    # With a session cookie the upload paths allow 40 MB, and no more.
    head = head.replace(f"csrftoken={CSRF}", f"csrftoken={CSRF}; sessionid=whoever")
    received, _ = asyncio.run(_until_closed(port, head.encode(), 10))
    assert received.startswith(b"HTTP/1.1 413") and b"the limit here is 40 MB" in received
    # A body without a length is counted as it comes: refused on the byte past the cap.
    chunked = "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
    received, _ = asyncio.run(_until_closed(port, chunked.encode() + chunk * 20, 10))
    assert received.startswith(b"HTTP/1.1 413")
    # Within the cap, a chunked body reaches Django (which wants a CSRF token here).
    within = chunked.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n").encode()
    received, _ = asyncio.run(_until_closed(port, within + chunk * 2 + b"0\r\n\r\n", 10))
    assert received.startswith(b"HTTP/1.1 403") and b"CSRF" in received


def _jpeg(side: int) -> bytes:
    """A JPEG of noise, which does not compress: about 4 bytes a pixel."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=98)
    return out.getvalue()


def _form(opener, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    boundary = "dateline-test-boundary"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def test_a_login_and_a_picture_upload_within_the_caps_go_through(site):
    env, url, _ = site
    subprocess.run(
        [DATELINE, "createsuperuser", "--noinput", "--username", "ed", "--email", "e@x.invalid"],
        env=env | {"DJANGO_SUPERUSER_PASSWORD": "a long pass phrase"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = _form(opener, url + "/admin/login/")
    login = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "ed", "password": "a long pass phrase"}
    ).encode()
    request = urllib.request.Request(url + "/admin/login/?next=/admin/", data=login)
    request.add_header("Referer", url + "/admin/login/")
    with opener.open(request, timeout=30) as response:
        assert response.url == url + "/admin/"  # signed in
    # A picture over the small cap (1 MB) and within the upload cap, by a signed-in editor.
    picture = _jpeg(1000)
    assert 1024 * 1024 < len(picture) < 40 * 1024 * 1024
    token = _form(opener, url + "/admin/pictures/picture/add/")
    content_type, body = _multipart(
        {
            "csrfmiddlewaretoken": token,
            "caption": "Harbour at dawn",
            "credit": "Test",
            "alt_text": "Boats",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
        {"file": ("harbour.jpg", picture)},
    )
    request = urllib.request.Request(url + "/admin/pictures/picture/add/", data=body)
    request.add_header("Content-Type", content_type)
    request.add_header("Referer", url + "/admin/pictures/picture/add/")
    with opener.open(request, timeout=60) as response:
        assert response.status == 200
        assert response.url.rstrip("/").endswith("/admin/pictures/picture"), response.url
