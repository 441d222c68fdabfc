#!/usr/bin/env python
"""Search latency at archive scale: p50/p95/p99 of 200 queries drawn from the stories' own
words, through `search_stories` (ranked ids, snippets and the stories' rows: what the
search page reads).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/search.py 1000 1000000      # an empty PostgreSQL database
    .venv/bin/python bench/search.py 1000 100000           # SQLite in a temporary var dir
    BENCH_DATABASE_URL=… .venv/bin/python bench/search.py 1000000 --slowest 15  # the tail

Sizes grow one database: stories are added up to each size in turn, and each size is
measured. The archive is built in SQL (PostgreSQL: INSERT … SELECT over generate_series,
50,000 stories a statement; SQLite: executemany in one transaction), so the search index
is filled by its own triggers, as an importer's bulk writes fill it. Stories: a 7-word
headline, a 30-word standfirst and a 120-word body drawn from a 20,000-word made-up
vocabulary with a Zipf-like skew (the word of rank r drawn with density ∝ r^(-2/3); on
PostgreSQL standfirsts and bodies are 30-word passages from a pool of 50,000), 8 sections,
published over the past six years in the order they are written, the oldest first, as a
paper's archive is (until 1 December 2026 the dates were random, which scattered each week
over the whole table); 2 % drafts and 1 % scheduled in the coming week, which readers must
not find.

Queries: 60 % one word, 25 % two words, 15 % a quoted two-word phrase, taken from the
headline and body of random stories; 10 % of the queries carry a section filter.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_VAR_DIR", tempfile.mkdtemp(prefix="dateline-bench-search-"))
os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

VOCABULARY = 20_000
SECTIONS = 8
HEADLINE, STANDFIRST, BODY = 7, 30, 120
PASSAGE, POOL = 30, 50_000
BATCH = 50_000
QUERIES = 200


def vocabulary() -> list[str]:
    """Made-up words, two to four syllables, the same every run."""
    rng = random.Random(7)
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fl gr pl pr sh st tr".split()
    vowels = "a e i o u ai ea ee oa ou".split()
    codas = ["", "", "n", "r", "s", "l", "m", "nd", "st", "rk"]
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
        )
        words.setdefault(word, None)
    return list(words)


def _setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _sections() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM news_section WHERE slug LIKE 'bench-%%' ORDER BY id")
        found = [pk for (pk,) in cursor.fetchall()]
        for i in range(len(found), SECTIONS):
            cursor.execute(
                "INSERT INTO news_section (name, slug, position, description, in_navigation,"
                " source_id, parent_id) VALUES (%s, %s, %s, '', %s, '', NULL)",
                [f"Bench {i}", f"bench-{i}", i, True],
            )
        cursor.execute("SELECT id FROM news_section WHERE slug LIKE 'bench-%%' ORDER BY id")
        return [pk for (pk,) in cursor.fetchall()]


def _count() -> int:
    from dateline.news.models import Article

    return Article.objects.filter(source="bench").count()


_PG_WORDS = """(SELECT string_agg(bv.w, ' ') AS t FROM (
    SELECT 1 + floor(pow(random(), 3) * {n})::int + 0 * k AS r
    FROM generate_series(1, {count} + 0 * g) k) x JOIN bench_vocab bv ON bv.i = x.r)"""

# Standfirsts and bodies are drawn from a pool of passages made the same way, PASSAGE
# words each (one for a standfirst, BODY // PASSAGE for a body): drawing each of a million
# bodies word by word would take most of an hour on two cores; with POOL passages the bodies
# are still different stories (POOL^4 combinations).
_PG_PASSAGES = """(SELECT string_agg(bp.t, ' ') AS t FROM (
    SELECT 1 + floor(random() * {pool})::int + 0 * k AS r
    FROM generate_series(1, {count} + 0 * g) k) x JOIN bench_passage bp ON bp.i = x.r)"""

_PG_INSERT = """
INSERT INTO news_article (headline, slug, standfirst, source_credit, body, body_words,
  teaser_source, section_id, lead_picture_id, status, published_at, updated_at, language,
  located, source, source_id, source_version, version, modified_by_id, created_by_id,
  created_at, modified_at)
SELECT initcap(h.t), 'bench-' || g, s.t || '.', '', '<p>' || b.t || '.</p>', {body},
  left(s.t || '. ' || b.t, 600), (%(sections)s::int[])[1 + g %% {nsections}], NULL,
  CASE WHEN g %% 50 = 7 THEN 'draft' ELSE 'published' END,
  CASE WHEN g %% 100 = 3 THEN now() + random() * interval '7 days'
       ELSE {written_at} END,
  NULL, '', '', 'bench', '', '', 1, NULL, NULL, now(), now()
FROM generate_series(%(start)s, %(stop)s) g,
  LATERAL {headline_words} h, LATERAL {standfirst_words} s, LATERAL {body_words} b
"""


# A paper writes its archive in time order, so the stories are dated in the order they
# are inserted (story g of a build up to `size` at g/size of the way through six years,
# the newest now): a week's stories lie together in the table, as a real archive's do.
# Random dates would scatter each week over the whole heap, one block read per story.
_PG_WRITTEN_AT = "now() - interval '2190 days' * (1 - (g + random()) / %(size)s::float8)"


def grow_postgres(words: list[str], sections: list[int], start: int, stop: int) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        # The vocabulary as a table (word k at row k): an array parameter would be
        # detoasted whole for every word drawn. Made once per database.
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_vocab (i int PRIMARY KEY, w text)")
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_passage (i int PRIMARY KEY, t text)")
        cursor.execute("SELECT count(*) FROM bench_passage")
        if cursor.fetchone()[0] < POOL:
            cursor.execute("TRUNCATE bench_vocab, bench_passage")
            cursor.execute(
                "INSERT INTO bench_vocab SELECT i::int, w FROM unnest(%s::text[]) "
                "WITH ORDINALITY AS t(w, i)",
                [words],
            )
            cursor.execute("ANALYZE bench_vocab")
            cursor.execute(
                "INSERT INTO bench_passage SELECT g, w.t FROM generate_series(1, %s) g, "
                "LATERAL " + _PG_WORDS.format(n=len(words), count=PASSAGE) + " w",
                [POOL],
            )
            cursor.execute("ANALYZE bench_passage")
    sql = _PG_INSERT.format(
        body=BODY,
        nsections=len(sections),
        written_at=_PG_WRITTEN_AT,
        headline_words=_PG_WORDS.format(n=len(words), count=HEADLINE),
        standfirst_words=_PG_PASSAGES.format(pool=POOL, count=1),
        body_words=_PG_PASSAGES.format(pool=POOL, count=BODY // PASSAGE),
    )
    if stop - start > FAST_ABOVE:
        _grow_postgres_fast(words, sections, start, stop)
    else:
        for first in range(start, stop, BATCH):
            last = min(first + BATCH, stop) - 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    sql, {"sections": sections, "start": first, "stop": last, "size": stop}
                )
            print(f"  {last + 1:,} stories", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        cursor.execute("ANALYZE search_searchdocument")


# Above this many new stories the index is filled by the benchmark itself, not by the
# triggers: on two shared cores, a million stories parsed into tsvectors one by one and
# added to the GIN index one by one took hours. Here each of the POOL passages is parsed
# once (the same search_text/unaccent/configuration as the triggers), a story's document is
# its headline's vector and its passages' vectors joined (as to_tsvector of the joined text
# would be, positions apart), and the GIN index is built once at the end.
FAST_ABOVE = int(os.environ.get("BENCH_FAST_ABOVE", 100_000))

_PG_FAST_PLAN = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
SELECT g, initcap(h.t) AS headline,
  1 + floor(random() * {pool})::int AS s,
  1 + floor(random() * {pool})::int AS b1, 1 + floor(random() * {pool})::int AS b2,
  1 + floor(random() * {pool})::int AS b3, 1 + floor(random() * {pool})::int AS b4,
  CASE WHEN g %% 50 = 7 THEN 'draft' ELSE 'published' END AS status,
  CASE WHEN g %% 100 = 3 THEN now() + random() * interval '7 days'
       ELSE {written_at} END AS at,
  (%(sections)s::int[])[1 + g %% {nsections}] AS section
FROM generate_series(%(start)s, %(stop)s) g, LATERAL {headline_words} h
"""

_PG_FAST_ARTICLES = """
INSERT INTO news_article (headline, slug, standfirst, source_credit, body, body_words,
  teaser_source, section_id, lead_picture_id, status, published_at, updated_at, language,
  located, source, source_id, source_version, version, modified_by_id, created_by_id,
  created_at, modified_at)
SELECT p.headline, 'bench-' || p.g, ps.t || '.', '',
  '<p>' || p1.t || ' ' || p2.t || ' ' || p3.t || ' ' || p4.t || '.</p>', {body},
  left(ps.t || '. ' || p1.t || ' ' || p2.t, 600), p.section, NULL, p.status, p.at, NULL,
  '', '', 'bench', '', '', 1, NULL, NULL, now(), now()
FROM bench_plan p JOIN bench_passage ps ON ps.i = p.s JOIN bench_passage p1 ON p1.i = p.b1
  JOIN bench_passage p2 ON p2.i = p.b2 JOIN bench_passage p3 ON p3.i = p.b3
  JOIN bench_passage p4 ON p4.i = p.b4
ORDER BY p.g
"""

_PG_FAST_DOCUMENTS = """
INSERT INTO search_searchdocument (article_id, status, published_at, recency_at, section_id,
  ranked, document)
SELECT a.id, p.status, p.at, p.at, p.section, r.ranked,
  r.ranked || setweight(p1.v || p2.v || p3.v || p4.v, 'C')
FROM bench_plan p JOIN news_article a ON a.slug = 'bench-' || p.g
  JOIN bench_passage ps ON ps.i = p.s JOIN bench_passage p1 ON p1.i = p.b1
  JOIN bench_passage p2 ON p2.i = p.b2 JOIN bench_passage p3 ON p3.i = p.b3
  JOIN bench_passage p4 ON p4.i = p.b4,
  LATERAL (SELECT setweight(to_tsvector(search_config(), unaccent(search_text(p.headline))),
    'A') || setweight(ps.v, 'B') AS ranked) r
ORDER BY p.g
"""


def _grow_postgres_fast(words, sections, start: int, stop: int) -> None:
    from django.db import connection, transaction

    from dateline.search.schema import SECTION_GIN, section_index_create

    formats = {
        "pool": POOL,
        "nsections": len(sections),
        "body": BODY,
        "written_at": _PG_WRITTEN_AT,
        "headline_words": _PG_WORDS.format(n=len(words), count=HEADLINE),
    }
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE bench_passage ADD COLUMN IF NOT EXISTS v tsvector")
        cursor.execute(
            "UPDATE bench_passage SET v = to_tsvector(search_config(), "
            "unaccent(search_text(t))) WHERE v IS NULL"
        )
        for name, _ in SECTION_GIN.values():
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("ALTER TABLE news_article DISABLE TRIGGER search_article_insert")
    try:
        for first in range(start, stop, BATCH):
            last = min(first + BATCH, stop) - 1
            params = {"sections": sections, "start": first, "stop": last, "size": stop}
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_PG_FAST_PLAN.format(**formats), params)
                cursor.execute(_PG_FAST_ARTICLES.format(**formats))
                cursor.execute(_PG_FAST_DOCUMENTS.format(**formats))
            print(f"  {last + 1:,} stories", file=sys.stderr, flush=True)
        with connection.cursor() as cursor:
            # Every headline and standfirst word is a vocabulary word.
            cursor.execute(
                "INSERT INTO search_word SELECT w FROM bench_vocab ON CONFLICT DO NOTHING"
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE news_article ENABLE TRIGGER search_article_insert")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            print("  building the GIN index", file=sys.stderr, flush=True)
            for column in SECTION_GIN:
                cursor.execute(section_index_create(column))


def grow_sqlite(words: list[str], sections: list[int], start: int, stop: int) -> None:
    import datetime as dt

    from django.db import connection, transaction

    rng = random.Random(start)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    weights = [(k + 1) ** (-2 / 3) for k in range(len(words))]
    cum = list(_accumulate(weights))

    def text(k: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cum, k=k))

    sql = (
        "INSERT INTO news_article (headline, slug, standfirst, source_credit, body, body_words,"
        " teaser_source, section_id, lead_picture_id, status, published_at, updated_at,"
        " language, located, source, source_id, source_version, version, modified_by_id,"
        " created_by_id, created_at, modified_at) VALUES (%s, %s, %s, '', %s, %s, %s, %s,"
        " NULL, %s, %s, NULL, '', '', 'bench', '', '', 1, NULL, NULL, %s, %s)"
    )
    for first in range(start, stop, BATCH):
        rows = []
        for g in range(first, min(first + BATCH, stop)):
            standfirst, body = text(STANDFIRST) + ".", text(BODY) + "."
            if g % 100 == 3:
                at = now + dt.timedelta(seconds=rng.random() * 7 * 86400)
            else:  # in time order, as _PG_WRITTEN_AT
                at = now - dt.timedelta(days=2190 * (1 - (g + rng.random()) / stop))
            rows.append(
                (
                    text(HEADLINE).title(),
                    f"bench-{g}",
                    standfirst,
                    f"<p>{body}</p>",
                    BODY,
                    f"{standfirst} {body}"[:600],
                    sections[g % len(sections)],
                    "draft" if g % 50 == 7 else "published",
                    at.isoformat(sep=" "),
                    now.isoformat(sep=" "),
                    now.isoformat(sep=" "),
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        print(f"  {first + len(rows):,} stories", file=sys.stderr, flush=True)


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def queries(rng: random.Random, sections: list[int]) -> list[tuple[str, int | None]]:
    """QUERIES (query, section or None) from the words of random visible stories."""
    from dateline.news.models import Article

    ids = list(
        Article.objects.filter(source="bench", status="published").values_list("pk", flat=True)[
            :200_000
        ]
    )
    picked = Article.objects.filter(pk__in=rng.sample(ids, QUERIES)).values_list("headline", "body")
    out = []
    for headline, body in picked:
        words = (headline.lower() + " " + body[3:-5]).replace(".", "").split()
        roll = rng.random()
        if roll < 0.60:
            q = rng.choice(words)
        elif roll < 0.85:
            q = " ".join(rng.sample(words, 2))
        else:
            i = rng.randrange(len(words) - 1)
            q = f'"{words[i]} {words[i + 1]}"'
        out.append((q, rng.choice(sections) if rng.random() < 0.1 else None))
    return out


def measure(size: int, sections: list[int]) -> dict:
    from django.db import connection, reset_queries

    from dateline.search.selectors import Filters, search_stories

    rng = random.Random(size)
    asked = queries(rng, sections)
    for q, section in asked[:20]:  # warm the caches a reader's first queries warm
        search_stories(q, filters=Filters(section_id=section))
    timings, hits, each = [], [], []
    for q, section in asked:
        reset_queries()
        started = time.perf_counter()
        results = search_stories(q, filters=Filters(section_id=section))
        timings.append((time.perf_counter() - started) * 1000)
        hits.append(len(results.hits))
        each.append((timings[-1], q, section, len(results.hits)))
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(round(p / 100 * len(timings))) - 1)]

    return {
        "engine": connection.vendor,
        "stories": size,
        "p50": statistics.median(timings),
        "p95": pct(95),
        "p99": pct(99),
        "max": timings[-1],
        "empty": sum(1 for h in hits if not h),
        "slowest": sorted(each, reverse=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 100_000])
    parser.add_argument(
        "--slowest", type=int, default=0, metavar="N", help="print the N slowest queries"
    )
    parser.add_argument(
        "--ids",
        metavar="FILE",
        help="write each query's ids, best and newest first, as JSON lines (to compare code)",
    )
    args = parser.parse_args()
    _setup()
    from django.db import connection

    words = vocabulary()
    sections = _sections()
    rows = []
    for size in sorted(args.sizes):
        have = _count()
        if have < size:
            started = time.perf_counter()
            grow = grow_postgres if connection.vendor == "postgresql" else grow_sqlite
            grow(words, sections, have, size)
            print(
                f"built {size:,} stories (+{size - have:,}) in "
                f"{time.perf_counter() - started:,.0f} s",
                file=sys.stderr,
            )
        rows.append(measure(size, sections))
        r = rows[-1]
        print(
            f"{r['engine']:10} {r['stories']:>10,}  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms"
            f"  p99 {r['p99']:7.1f} ms  max {r['max']:7.1f} ms  ({r['empty']} of {QUERIES}"
            " found nothing)",
            flush=True,
        )
        # Where the tail is: the queries to EXPLAIN (ANALYZE, BUFFERS).
        for ms, q, section, found in r["slowest"][: args.slowest]:
            print(f"  {ms:8.1f} ms  {q!r}  section {section}  {found} hits", flush=True)
        if args.ids:
            write_ids(args.ids, size, sections)


def write_ids(path: str, size: int, sections: list[int]) -> None:
    """The ids each of the measured queries finds, best first and newest first: two
    versions of the search code must give the same lines."""
    import json

    from dateline.search.selectors import Filters, Sort, search_stories

    with open(path, "w") as out:
        for q, section in queries(random.Random(size), sections):
            for sort in (Sort.BEST, Sort.NEWEST):
                hits = search_stories(q, filters=Filters(section_id=section), sort=sort).hits
                ids = [h.article.pk for h in hits]
                print(json.dumps([q, section, sort.value, ids]), file=out)


if __name__ == "__main__":
    main()
