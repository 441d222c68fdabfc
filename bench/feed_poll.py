#!/usr/bin/env python
"""One wire poll of a 1,000-item feed, served from 127.0.0.1, timed.

    .venv/bin/python bench/feed_poll.py [N] [--format feed|newsml] [--documents K]

Uses a fresh SQLite database in a temporary DATELINE_VAR_DIR unless the environment names
one (DATABASE_URL for PostgreSQL: it must be an empty database). Generates N distinct
stories (~250 words each, our own random text) as RSS 2.0 or a NewsML-G2 newsMessage, and
measures, with the SQL query count of each:

- cold: the first poll, N items created (parse, N stories saved, near-duplicate search);
- 304: the second poll, answered "not modified" by the conditional GET;
- warm: the feed fetched and parsed whole again (ETag forgotten), N items unchanged.

With `--documents K`, K cold polls of N new items each come first (a wire's day: each poll
new copy, the near-duplicate index growing with every item received), then 304 and warm
for the last document. Each line gives stories per second beside the goal (500/s, issue
11), SQL statements per item, and the CPU time of this process and (PostgreSQL) of its
backend: the two take turns, so N / (their sum) is the rate a machine of their own
implies, whatever the load of a shared one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_VAR_DIR", tempfile.mkdtemp(prefix="dateline-bench-wire-"))

WORDS = (
    "council harbour bridge ferry tram school market river road museum budget vote plan "
    "hospital library station port winter summer mayor residents workers company farmers "
    "cost million contract week month year opens closes rises falls said says would will "
    "new old north south east west city town valley coast island estuary quay pier lanes "
    "the a of to in on for with after before under over between against about from by"
).split()


GOAL = 500  # stories per second (issue 11)


def story(rng: random.Random, n: int) -> tuple[str, str]:
    headline = f"{' '.join(rng.choice(WORDS) for _ in range(7)).capitalize()} ({n})"
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + "." for _ in "12345"
    ]
    return headline, "".join(f"<p>{p}</p>" for p in paragraphs)


def rss(n: int, start: int = 0) -> bytes:
    rng = random.Random(1 + start)
    items = []
    for i in range(start, start + n):
        headline, body = story(rng, i)
        items.append(
            f"<item><guid isPermaLink='false'>bench-{i}</guid><title>{escape(headline)}</title>"
            f"<pubDate>Tue, 03 Mar 2026 08:00:00 GMT</pubDate><author>desk@example.com "
            f"(Desk)</author><description>{escape(body)}</description></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Bench</title>"
        f"<link>https://example.com/</link>{''.join(items)}</channel></rss>"
    ).encode()


def newsml(n: int, start: int = 0) -> bytes:
    rng = random.Random(1 + start)
    items = []
    for i in range(start, start + n):
        headline, body = story(rng, i)
        items.append(
            f"<newsItem guid='urn:bench:{i}' version='1' standard='NewsML-G2'>"
            "<itemMeta><itemClass qcode='ninat:text'/><pubStatus qcode='stat:usable'/>"
            "<versionCreated>2026-03-03T08:00:00Z</versionCreated></itemMeta>"
            f"<contentMeta><headline>{escape(headline)}</headline><by>Desk</by>"
            "<creditline>Bench</creditline></contentMeta><contentSet>"
            "<inlineXML contenttype='application/xhtml+xml'>"
            f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{body}</body></html>"
            "</inlineXML></contentSet></newsItem>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><itemSet>"
        f"{''.join(items)}</itemSet></newsMessage>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--format", choices=["feed", "newsml"], default="feed")
    parser.add_argument("--documents", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from dateline.ingest.models import WireSource
    from dateline.ingest.tests.http_server import serving
    from dateline.ingest.wire import wire_poll

    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True  # the feed is served from 127.0.0.1
    call_command("migrate", verbosity=0)
    make = rss if args.format == "feed" else newsml
    served = {"body": make(args.n)}

    def route(handler):
        etag = f'"{hash(served["body"])}"'
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"ETag": etag, "Content-Type": "application/xml"}, served["body"]

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def backend_cpu() -> float:
        if backend is None:
            return 0.0
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    size = len(served["body"]) / 1e6
    print(f"{args.n} items x {args.documents}, {args.format}, {size:.1f} MB, {connection.vendor}")
    with serving({"/feed": route}) as server:
        source = WireSource.objects.create(
            name=f"bench-{time.time_ns()}",
            kind="url",
            location=f"{server.base}/feed",
            format=args.format,
            publish_directly=True,
        )
        labels = [f"cold {k + 1}" for k in range(args.documents)] + ["304", "warm"]
        for label in labels:
            if label.startswith("cold") and label != "cold 1":
                k = int(label.split()[1]) - 1
                served["body"] = make(args.n, start=k * args.n)
            if label == "warm":
                WireSource.objects.filter(pk=source.pk).update(etag="", last_modified="")
                source.etag = source.last_modified = ""
            queries: list[str] = []

            def count(run, sql, *rest, queries=queries):
                queries.append(sql)
                return run(sql, *rest)

            with connection.execute_wrapper(count):
                started, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
                report = wire_poll(source=source)
                seconds = time.perf_counter() - started
                cpu, server = time.process_time() - cpu, backend_cpu() - server
            rate = f"{args.n / seconds:6.0f} stories/s (goal >= {GOAL})" if label != "304" else ""
            implied = f"implied {args.n / (cpu + server):5.0f}/s" if label != "304" else ""
            print(
                f"{label:>8}: {seconds:7.2f} s  {len(queries):6d} queries "
                f"({len(queries) / args.n:5.2f}/item)  {rate}  CPU {cpu:5.2f} s + backend "
                f"{server:5.2f} s {implied}  {report.summary()}"
            )


if __name__ == "__main__":
    main()
