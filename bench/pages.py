#!/usr/bin/env python
"""Every public page at two archive sizes: time per uncached page, SQL queries per page, and
wrk throughput, cached and uncached.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/arch_1k .venv/bin/python bench/pages.py
    DATABASE_URL=… .venv/bin/python bench/pages.py --wrk      # and wrk against `dateline serve`

The archive is one `make_archive.py` built (the seed stories plus copies of the seed
story). For each page:
- **ms**: the median of 9 requests through Django's WSGI handler in this process after one
  warm-up request, the page cache not involved (every request renders), the process's
  memos warm, as in a running server (news.selectors memoises navigation and settings);
- **SQL ms**: the database's share of that (median of the 9, time in `cursor.execute`);
- **queries**: SQL queries of one such request (warm), and with the memos cleared (cold).
With `--wrk`: `dateline serve --workers 1` on a free port, then for the article, the front
page, the first section page and the sitemap index, `wrk -t2 -c16 -d10s --latency` after a
3-second warm-up, cached (the same URL: page-cache hits) and uncached (a different query
string each request, `wrk/unique.lua`: a miss every time), req/s, p50 and p99.

Deep listing pages are addressed by cursor at 80 % of the listing's depth; the reviewer's
"page 20,000" of the old numbered pages was the same depth (400,000 stories down).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATELINE_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dateline.news.models import Article, Author, Section, Tag  # noqa: E402
from dateline.news.selectors import Cursor  # noqa: E402
from dateline.pagecache import memo  # noqa: E402

SEED_SLUG = "taliban-power-share-peace-talks"
RUNS = 9


def environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _deep(queryset) -> str:
    """The cursor 80 % of the way down a newest-first listing."""
    count = queryset.count()
    story = queryset.order_by("-published_at", "-pk")[max(0, int(count * 0.8))]
    return Cursor.of(story).token


def _deep_api(queryset) -> str:
    """The API's cursor 80 % of the way down its newest-first list."""
    from dateline.api import cursor

    count = queryset.count()
    story = queryset.order_by("-published_at", "-pk")[max(0, int(count * 0.8))]
    return cursor.encode(story.published_at, story.pk)


def pages() -> dict[str, str]:
    published = Article.objects.published()
    seed = Article.objects.get(slug=SEED_SLUG)
    section = Section.objects.get(pk=seed.section_id)
    tag = Tag.objects.filter(slug="bench-tag-1").first() or Tag.objects.first()
    author = Author.objects.filter(slug="bench-writer-1").first() or Author.objects.first()
    last_block = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() - 1) // 1000
    middle = published.order_by("pk")[published.count() // 2]
    return {
        "seed article page": seed.get_absolute_url(),
        "a middle article page": middle.get_absolute_url(),
        "front page": "/",
        "section page 1": section.get_absolute_url(),
        "section page, 80 % deep": (
            f"{section.get_absolute_url()}?older={_deep(published.filter(section=section))}"
        ),
        "tag page 1": tag.get_absolute_url(),
        "tag page, 80 % deep": (
            f"{tag.get_absolute_url()}?older={_deep(published.filter(tags=tag))}"
        ),
        "author page 1": author.get_absolute_url(),
        "sitemap index": "/sitemap.xml",
        "article sitemap file 1": "/sitemaps/articles.xml",
        "article sitemap, last file": f"/sitemaps/articles.xml?p={last_block + 1}",
        "sections sitemap": "/sitemaps/sections.xml",
        "topics sitemap": "/sitemaps/topics.xml",
        "authors sitemap": "/sitemaps/authors.xml",
        "news sitemap": "/sitemaps/news.xml",
        "site RSS": "/feeds/rss.xml",
        "section Atom": f"{section.get_absolute_url()}atom.xml",
        "tag RSS": f"{tag.get_absolute_url()}rss.xml",
        "ninjs": f"/story/{SEED_SLUG}.ninjs.json",
        "API stories": "/api/v1/stories",
        "API stories, 80 % deep": f"/api/v1/stories?cursor={_deep_api(published)}",
        "API stories by tag": f"/api/v1/stories?tag={tag.slug}",
        "API story": f"/api/v1/stories/{seed.pk}",
        # "kabul" is in the seed article's body, so every copy holds it too; "distribution"
        # is in one other seed story only: the truly rare word. "taliban" is in every story.
        "search, a rare word": "/search/?q=kabul",
        "search, a word in every story": "/search/?q=taliban",
        "search, every story, newest": "/search/?q=taliban&sort=newest",
        "search, a word one story holds": "/search/?q=distribution",
        "API search": "/api/v1/stories?q=taliban",
        "API search, a word one story holds": "/api/v1/stories?q=distribution",
    }


def _backend_cpu_ns() -> int:
    """CPU time the database's backend process for this connection has used (PostgreSQL on
    this machine: its /proc schedstat, in ns); 0 when it cannot be read."""
    if connection.vendor != "postgresql":
        return 0
    pid = connection.connection.info.backend_pid
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def measure(handler: WSGIHandler, path: str) -> tuple[float, float, int, int, int, float]:
    """(median ms, median SQL ms, warm queries, cold queries, bytes, median CPU ms). CPU is
    this process's and, on PostgreSQL, its backend's: on a machine shared with others' work
    wall time includes waiting for a core, CPU time does not."""

    def get() -> bytes:
        status = []
        body = b"".join(handler(environ(path), lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return body

    memo.clear()
    with CaptureQueriesContext(connection) as cold:
        get()
    with CaptureQueriesContext(connection) as warm:
        body = get()
    times, sql, cpu = [], [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            backend, own = _backend_cpu_ns(), time.process_time()
            started = time.perf_counter()
            get()
            times.append((time.perf_counter() - started) * 1000)
            own = time.process_time() - own
            backend = _backend_cpu_ns() - backend
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        cpu.append(own * 1000 + backend / 1e6)
    warm_n, cold_n = len(warm.captured_queries), len(cold.captured_queries)
    return (
        statistics.median(times),
        statistics.median(sql),
        warm_n,
        cold_n,
        len(body),
        statistics.median(cpu),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, *extra: str) -> tuple[str, str, str]:
    base = ["wrk", "-t2", "-c16", "--latency", *extra]
    subprocess.run([*base, "-d3s", url], capture_output=True, check=False)
    out = subprocess.run([*base, "-d10s", url], capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        print(f"  {url}: {bad.group(1)} non-2xx responses", file=sys.stderr)
    return tuple(m.group(1) if m else "n/a" for m in (rps, p50, p99))


def run_wrk(urls: dict[str, str]) -> list[tuple[str, str, tuple, tuple]]:
    port = free_port()
    var = os.environ.get("DATELINE_VAR_DIR", "")
    log = open(Path(var or "/tmp") / "bench-pages-serve.log", "w")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/dateline"), "serve", "--port", str(port), "--workers", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rows = []
    try:
        origin = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for name, path in urls.items():
            cached = wrk(origin + path)
            script = str(ROOT / "bench/wrk/unique.lua")
            uncached = wrk(origin + path, "-s", script)
            rows.append((name, path, cached, uncached))
            print(f"  wrk {name}: cached {cached}, uncached {uncached}", file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wrk", action="store_true", help="also wrk against dateline serve")
    parser.add_argument("--queries", metavar="PATH", help="print one page's SQL with times")
    args = parser.parse_args()
    # Django empties the query log when a request starts (reset_queries), which would hide
    # the queries of the request from CaptureQueriesContext.
    request_started.disconnect(reset_queries)
    if args.queries:
        handler = WSGIHandler()
        measure(handler, args.queries)
        with CaptureQueriesContext(connection) as ctx:
            list(handler(environ(args.queries), lambda *a: None))
        for q in ctx.captured_queries:
            print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:400]}")
        return
    stories = Article.objects.published().count()
    urls = pages()
    handler = WSGIHandler()
    print(f"{stories:,} visible stories ({connection.vendor})\n")
    print("| page | ms (median of 9) | SQL ms | queries warm / cold | KB | CPU ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path in urls.items():
        ms, sql, warm, cold, size, cpu = measure(handler, path)
        row = f"| {name} | {ms:.1f} | {sql:.2f} | {warm} / {cold} | {size / 1024:.1f} | {cpu:.1f} |"
        print(row, flush=True)
    if args.wrk:
        chosen = {k: urls[k] for k in ("seed article page", "front page", "section page 1")}
        chosen["sitemap index"] = urls["sitemap index"]
        print("\n| page | cached req/s | p50 | p99 | uncached req/s | p50 | p99 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, _, cached, uncached in run_wrk(chosen):
            print(f"| {name} | {' | '.join(cached)} | {' | '.join(uncached)} |", flush=True)


if __name__ == "__main__":
    main()
