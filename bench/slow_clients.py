#!/usr/bin/env python
"""A normal reader's requests per second while slow clients hold connections open.

    .venv/bin/python bench/slow_clients.py                 # 1,000 stories in a fresh var dir
    .venv/bin/python bench/slow_clients.py --var DIR       # a site loaded by load_stories.py
    .venv/bin/python bench/slow_clients.py --slow 0,16 --server 'python -m granian
        --interface wsgi --blocking-threads 4 --workers 2 --port {port} config.wsgi:application'

For each number of slow clients (default 0, 16, 50, 200) the clients connect first and stay
connected for the whole measurement; then wrk (`-t2 -c32`, after a warm-up) measures a
cached article page (one warm URL) and an uncached one (bench/wrk/uncached.lua: a new URL
each request). A slow client is the attack of issue 10: a POST to /admin/login/ with a free
csrftoken cookie, `Content-Length: 100000`, then one byte every 5 seconds; when the server
answers or closes, it connects again at once, so the number held stays the same.

The server is `dateline serve --workers 2` on the site, unless `--server` gives another
command line (`{port}` is replaced; run from the repository, with the site's environment):
that is how the options were compared (bench/README.md, "Slow clients").
The table gives, per case, wrk's req/s, p99 latency and errors (timeouts, non-2xx); then
how long the server held a slow client before answering or closing (median and longest),
and what it answered.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
DATELINE = str(Path(sys.executable).with_name("dateline"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _slow_client(port: int, every: float, held: list) -> None:
    head = (
        "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Cookie: csrftoken=" + "c" * 32 + "\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        started = time.monotonic()
        answer = b""
        try:
            writer.write(head)
            await writer.drain()
            while True:
                try:
                    answer = await asyncio.wait_for(reader.read(64), every)
                    break
                except TimeoutError:
                    writer.write(b"a")
                    await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
        held.append((time.monotonic() - started, answer[9:12].decode() or "closed"))


def hold_slow_clients(port: int, count: int, every: float, report) -> None:
    """In a process of its own: keep `count` slow clients connected until terminated, then
    send back how long the server held each one that ended."""
    held: list = []

    async def main():
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        tasks = [asyncio.create_task(_slow_client(port, every, held)) for _ in range(count)]
        await stop.wait()
        for task in tasks:
            task.cancel()

    asyncio.run(main())
    report.send(held)


def wrk(url: str, duration: str, *extra: str) -> dict:
    subprocess.run(["wrk", "-t2", "-c32", "-d2s", *extra[:2], url, *extra[2:]], capture_output=True)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}", "--latency", *extra[:2], url, *extra[2:]],
        capture_output=True,
        text=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99": p99.group(1) if p99 else "n/a",
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def wait_http(port: int, path: str, limit: float = 90) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
                )
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"no 200 from 127.0.0.1:{port}{path} after {limit:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", help="a site loaded by bench/load_stories.py (default: a new one)")
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--slow", default="0,16,50,200", help="numbers of slow clients")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between their bytes")
    parser.add_argument("--duration", default="10s", help="each wrk run (after a 2 s warm-up)")
    parser.add_argument("--server", help="another server command line ({port} is replaced)")
    parser.add_argument(
        "--root", default=str(ROOT), help="the checkout --server runs from (e.g. an older one)"
    )
    args = parser.parse_args()
    # Stopped from outside, still stop the server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    env = {
        **os.environ,
        "DATELINE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_ALLOWED_HOSTS": "127.0.0.1",
    }
    work = Path(tempfile.mkdtemp(prefix="dateline-slow-"))
    var = Path(args.var) if args.var else work / "var"
    env["DATELINE_VAR_DIR"] = str(var)
    if not args.var:
        subprocess.run(
            [PYTHON, str(BENCH / "load_stories.py"), str(args.stories)], env=env, check=True
        )
    slugs = var / "bench-slugs.txt"
    lines = slugs.read_text().split()
    story = f"/story/{lines[len(lines) // 2]}/"

    port = free_port()
    if args.server:
        argv = shlex.split(args.server.replace("{port}", str(port)))
        env["PYTHONPATH"] = args.root
        if argv[0] == "python":
            argv[0] = PYTHON
        subprocess.run([DATELINE, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    else:
        argv = [DATELINE, "serve", "--port", str(port), "--workers", "2"]
    log = open(work / "server.log", "w")
    server = subprocess.Popen(
        argv, env=env, cwd=args.root, stdout=log, stderr=log, start_new_session=True
    )
    rows = []
    load_before = os.getloadavg()
    try:
        wait_http(port, story)
        for _ in range(4):  # every worker keeps its copy
            wait_http(port, story)
        base = f"http://127.0.0.1:{port}"
        for count in [int(n) for n in args.slow.split(",")]:
            receive, send = multiprocessing.Pipe(duplex=False)
            holder = multiprocessing.Process(
                target=hold_slow_clients, args=(port, count, args.every, send)
            )
            holder.start()
            time.sleep(2 if count else 0)  # let them connect and send their headers
            cached = wrk(base + story, args.duration)
            uncached = wrk(
                base,
                args.duration,
                "-s",
                str(BENCH / "wrk" / "uncached.lua"),
                "--",
                str(slugs),
                "query",
            )
            holder.terminate()
            held = receive.recv() if receive.poll(30) else []
            holder.join(10)
            rows.append((count, cached, uncached, held))
            print(
                f"{count:>4} slow: cached {cached['rps']:>9.0f} req/s, uncached "
                f"{uncached['rps']:>7.0f} req/s",
                file=sys.stderr,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
        log.close()

    shown = " ".join(argv) if args.server else "dateline serve --workers 2"
    before, after = load_before[0], os.getloadavg()[0]
    print(f"\nserver: {shown}")
    print(f"{os.cpu_count()} cores; load average before {before:.1f}, after {after:.1f}")
    print(f"wrk -t2 -c32 -d{args.duration} after a 2 s warm-up; slow clients send a byte every ")
    print(f"{args.every:g} s; they reconnect at once when the server answers or closes.\n")
    print(
        "| slow clients | cached req/s | p99 | errors | uncached req/s | p99 | errors "
        "| slow client held (median / longest) | answered |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for count, cached, uncached, held in rows:
        times = [t for t, _ in held]
        answers = sorted({a for _, a in held})
        hold = f"{statistics.median(times):.1f} / {max(times):.1f} s" if times else "—"
        print(
            f"| {count} | {cached['rps']:,.0f} | {cached['p99']} | {cached['errors']} | "
            f"{uncached['rps']:,.0f} | {uncached['p99']} | {uncached['errors']} | {hold} | "
            f"{', '.join(answers) or ('still held' if count else '—')} |"
        )


if __name__ == "__main__":
    main()
