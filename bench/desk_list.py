#!/usr/bin/env python
"""The newsroom's story list (/newsroom/) at archive scale: time per request and queries
for the first page, a filtered page (state, section, author) and a filtered search page,
through Django's whole request path (session, roles, the view, the template) in process.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/desk_list.py 1000 1000000     # an empty PostgreSQL database

Sizes grow one database: stories are added up to each size in turn (in SQL, 100,000 a
statement: dateline/newsroom/tests/desk_archive.py, the scale tests' archive: nine in ten
live, the rest drafts, in review or scheduled; four sections, twenty authors), then each
page is asked REPEAT times after one warm-up; the median and the slowest are reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATELINE_VAR_DIR", tempfile.mkdtemp(prefix="dateline-bench-desk-"))
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

REPEAT = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dateline.news.models import Article
    from dateline.newsroom.roles import Role
    from dateline.newsroom.tests.desk_archive import build
    from dateline.newsroom.tests.factories import staff

    call_command("migrate", verbosity=0)
    # Production settings serve static files by their manifest, as `dateline serve` does.
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.filter(username="bench-editor").first() or staff(
        Role.EDITOR, "bench-editor"
    )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(editor)
    print(f"{'stories':>10}  {'page':<16} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for size in args.sizes:
        have = Article.objects.count()
        if have < size:
            started = time.monotonic()
            archive = build(
                size - have,
                editor,
                progress=lambda n, have=have, started=started: print(
                    f"  built {have + n:,} in {time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                ),
            )
        else:
            archive = build(0, editor)
        section, author = archive["sections"][1].pk, archive["authors"][1].pk
        pages = {
            "first": "/newsroom/",
            "filtered": f"/newsroom/?state=live&section={section}&author={author}",
            "search": f"/newsroom/?q=harbour&section={section}",
            "needs me": "/newsroom/?view=needs-me",
        }
        for name, url in pages.items():
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    client.get(url, secure=True)
                    times.append((time.perf_counter() - started) * 1000)
            print(
                f"{Article.objects.count():>10,}  {name:<16} {statistics.median(times):>10.1f} "
                f"{max(times):>8.1f} {len(ctx.captured_queries):>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
