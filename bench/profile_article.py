#!/usr/bin/env python
"""Profile the uncached article page in-process.

    DATELINE_VAR_DIR=/tmp/bench-1k .venv/bin/python bench/profile_article.py [--n 500] [--top 25]

Uses the stories `load_stories.py` put in DATELINE_VAR_DIR (its bench-slugs.txt). Reports:
- SQL queries per article page (and their text, once);
- time per page, median over N different stories, at three depths:
  the selector alone (all reads), selector + Jinja2 render, and the whole Django WSGI
  handler (middleware included) — always a page-cache miss, as the wrapper is bypassed;
- a cProfile of the whole handler over N pages: the top functions by own time and by
  cumulative time. With pyinstrument installed (`pip install pyinstrument`, not a project
  dependency), `--pyinstrument` prints its call tree instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dateline.news import selectors  # noqa: E402


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
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
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_ACCEPT": "text/html",
        "HTTP_ACCEPT_ENCODING": "gzip, br",
        "HTTP_USER_AGENT": "bench",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500, help="pages per measurement")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()

    slugs = (Path(settings.VAR_DIR) / "bench-slugs.txt").read_text().split()
    step = max(1, len(slugs) // args.n)
    sample = slugs[::step][: args.n]
    handler = WSGIHandler()
    status = {}

    def start_response(s, headers, exc_info=None):
        status["s"] = s

    def whole(slug: str) -> bytes:
        response = handler(environ(f"/story/{slug}/"), start_response)
        body = b"".join(response)
        response.close()
        if not status["s"].startswith("200"):
            raise SystemExit(f"{slug}: {status['s']}")
        return body

    def selector(slug: str):
        return selectors.article_page(slug=slug)

    def rendered(slug: str) -> str:
        page = selectors.article_page(slug=slug)
        return render_to_string("news/article.html", {"page": page, "site": page.site})

    # Warm: connection, templates, memoised site context, and every sampled story's rows in
    # SQLite's page cache (else the first measurement pays the disk reads at 100,000).
    for slug in sample:
        whole(slug)

    with CaptureQueriesContext(connection) as ctx:
        body = whole(sample[0])
    print(
        f"{len(sample)} stories of {len(slugs)}; page {len(body):,} bytes; "
        f"{len(ctx.captured_queries)} SQL queries per article page (warm process):"
    )
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")
    counts = []
    for slug in sample[:20]:
        with CaptureQueriesContext(connection) as ctx:
            whole(slug)
        counts.append(len(ctx.captured_queries))
    print(f"  queries over 20 stories: min {min(counts)}, max {max(counts)}")

    for label, fn in (
        ("selector only (reads)", selector),
        ("selector + Jinja2 render", rendered),
        ("whole Django handler (middleware, view, render)", whole),
    ):
        times = []
        for slug in sample:
            t = time.perf_counter()
            fn(slug)
            times.append(time.perf_counter() - t)
        times.sort()
        print(
            f"{label:50s} median {statistics.median(times) * 1000:.2f} ms, "
            f"p90 {times[int(len(times) * 0.9)] * 1000:.2f} ms, "
            f"mean {statistics.fmean(times) * 1000:.2f} ms"
        )

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for slug in sample:
            whole(slug)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return

    profile = cProfile.Profile()
    profile.enable()
    for slug in sample:
        whole(slug)
    profile.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        text = out.getvalue()
        print(f"\n== cProfile, {len(sample)} pages, by {order} ==")
        print(text[text.find("ncalls") :])


if __name__ == "__main__":
    main()
