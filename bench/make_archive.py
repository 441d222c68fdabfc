#!/usr/bin/env python
"""Build an N-story archive in SQL, in minutes even for a million stories.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/arch_1m \\
        .venv/bin/python bench/make_archive.py 1000000
    DATELINE_VAR_DIR=/tmp/arch-1k .venv/bin/python bench/make_archive.py 1000     # SQLite

The database (DATABASE_URL, else SQLite in DATELINE_VAR_DIR) is migrated and must hold no
stories. The seed stories (`/work/shared/seed/ninjs`, or --seed DIR) go in through
`dateline import ninjs`, the real path: sections, topics, the author, the picture, the
revision, workflow and audit rows of each. Then the seed article page's story is copied in
SQL until there are N stories: PostgreSQL `INSERT … SELECT … FROM generate_series`, SQLite
the same over a recursive CTE, 100,000 rows a statement. Each copy has the seed's
headline (numbered), standfirst, body, body_words, teaser_source, picture and language; its
own id (consecutive), slug (`<seed slug>-<n>`) and source id; a section (alternating
between the seed's two and two more, so four); a publication time 30 seconds apart per
pair of copies, newest a minute ago, so every second holds two stories in different
sections; one author of 20, two tags of 40, one topic of the seed's. The reference sets
the model derives from the body (body_pictures, related_articles) are the seed's, since
the body is; the label links take the story's publication time by trigger (news.labelled);
each copy gets a revision (its text) and a workflow row like the seed's. The
archive blocks (news.ArchiveBlock) are then written in one pass, and the database
analysed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from dateline.core import clock  # noqa: E402
from dateline.news import archive, services  # noqa: E402
from dateline.news.models import Article, Author, Section, Status, Tag, Topic  # noqa: E402
from dateline.search import index as search_index  # noqa: E402
from dateline.search import schema as search_schema  # noqa: E402

SEED = Path("/work/shared/seed/ninjs")
SEED_SLUG = "taliban-power-share-peace-talks"
CHUNK = 100_000
TAGS, AUTHORS = 40, 20
EXTRA_SECTIONS = ["Business", "Culture"]


def pg() -> bool:
    return connection.vendor == "postgresql"


def series(lo: int, hi: int) -> tuple[str, str]:
    """(prefix, FROM item) naming g = lo..hi."""
    if pg():
        return "", f"generate_series({lo}, {hi}) AS s(g)"
    return (
        f"WITH RECURSIVE s(g) AS (SELECT {lo} UNION ALL SELECT g + 1 FROM s WHERE g < {hi}) ",
        "s",
    )


def moment(start: str, seconds: str) -> str:
    """SQL for `start` minus `seconds` (an integer expression)."""
    if pg():
        return f"(CAST('{start}' AS timestamptz) - make_interval(secs => {seconds}))"
    return f"datetime('{start}', '-' || ({seconds}) || ' seconds')"


def contiguous(model, ids: list[int]) -> int:
    ids = sorted(ids)
    if ids != list(range(ids[0], ids[0] + len(ids))):
        sys.exit(f"{model.__name__} ids are not consecutive; start from an empty database")
    return ids[0]


def labels() -> tuple[list[int], int, int, int, int]:
    """Section ids, and the first id and number of the authors, tags and topics."""
    for name in EXTRA_SECTIONS:
        services.section_get_or_create(name=name)
    sections = list(Section.objects.order_by("pk").values_list("pk", flat=True))
    Tag.objects.bulk_create(Tag(name=f"Bench tag {i}", slug=f"bench-tag-{i}") for i in range(TAGS))
    Author.objects.bulk_create(
        Author(name=f"Bench Writer {i}", slug=f"bench-writer-{i}") for i in range(AUTHORS)
    )
    tags = list(Tag.objects.filter(slug__startswith="bench-tag-").values_list("pk", flat=True))
    authors = list(
        Author.objects.filter(slug__startswith="bench-writer-").values_list("pk", flat=True)
    )
    topics = list(Topic.objects.values_list("pk", flat=True))
    return (
        sections,
        contiguous(Author, authors),
        contiguous(Tag, tags),
        contiguous(Topic, topics),
        len(topics),
    )


def copy_stories(
    seed: Article, base: int, first: int, last: int, start: str, sections: list[int]
) -> None:
    """Stories first..last (ids) as copies of `seed`; copy n is story base + n."""
    n = f"(g - {base})"
    at = moment(start, f"({n} / 2) * 30")
    section = (
        "CASE "
        + " ".join(f"WHEN {n} % {len(sections)} = {i} THEN {pk}" for i, pk in enumerate(sections))
        + " END"
    )
    text = "||"
    values = {
        "id": "g",
        "headline": f"a.headline {text} ' (' {text} CAST({n} AS VARCHAR(12)) {text} ')'",
        "slug": f"a.slug {text} '-' {text} CAST({n} AS VARCHAR(12))",
        "source_id": f"a.source_id {text} '/' {text} CAST({n} AS VARCHAR(12))",
        "section_id": section,
        "status": f"'{Status.PUBLISHED}'",
        "published_at": at,
        "created_at": at,
        "modified_at": at,
        "updated_at": "NULL",
        "version": "1",
    }
    columns = [f.column for f in Article._meta.concrete_fields]
    select = ", ".join(values.get(c, f"a.{c}") for c in columns)
    prefix, source = series(first, last)
    sql = (
        f"{prefix}INSERT INTO news_article ({', '.join(columns)}) "
        f"SELECT {select} FROM {source} CROSS JOIN news_article a WHERE a.id = {seed.pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)


def copy_relations(
    seed: Article, base: int, first: int, last: int, ids: tuple[int, int, int, int, int]
) -> None:
    _, author0, tag0, topic0, topics = ids
    n = f"(g - {base})"
    statements = [
        ("news_article_authors (article_id, author_id)", f"g, {author0} + {n} % {AUTHORS}"),
        ("news_article_tags (article_id, tag_id)", f"g, {tag0} + {n} % {TAGS}"),
        # A second tag, never the first: offset 1..TAGS-1.
        (
            "news_article_tags (article_id, tag_id)",
            f"g, {tag0} + ({n} % {TAGS} + 1 + ({n} / {TAGS}) % {TAGS - 1}) % {TAGS}",
        ),
        ("news_article_topics (article_id, topic_id)", f"g, {topic0} + {n} % {topics}"),
    ]
    with connection.cursor() as cursor:
        for table, select in statements:
            prefix, source = series(first, last)
            cursor.execute(f"{prefix}INSERT INTO {table} SELECT {select} FROM {source}")
        for table, column in (
            ("news_article_body_pictures", "picture_id"),
            ("news_article_related_articles", "to_article_id"),
        ):
            key = "from_article_id" if column == "to_article_id" else "article_id"
            prefix, source = series(first, last)
            cursor.execute(
                f"{prefix}INSERT INTO {table} ({key}, {column}) SELECT g, r.{column} "
                f"FROM {source} CROSS JOIN {table} r WHERE r.{key} = {seed.pk}"
            )
        # The revision each save through article_save keeps, and the workflow row.
        prefix, source = series(first, last)
        cursor.execute(
            f"{prefix}INSERT INTO news_revision "
            "(article_id, version, headline, standfirst, body, saved_at, pending) "
            "SELECT g, 1, a.headline, a.standfirst, a.body, a.created_at, a.pending FROM "
            f"{source} CROSS JOIN (SELECT x.headline, x.standfirst, x.body, y.created_at, "
            f"FALSE AS pending FROM news_revision x JOIN news_article y ON y.id = x.article_id "
            f"WHERE x.article_id = {seed.pk} ORDER BY x.id DESC LIMIT 1) a"
        )
        prefix, source = series(first, last)
        cursor.execute(
            f"{prefix}INSERT INTO newsroom_workflow (article_id, state, changed_at, taken_down, "
            f"assigned_to_id) SELECT g, w.state, w.changed_at, w.taken_down, NULL "
            f"FROM {source} CROSS JOIN newsroom_workflow w WHERE w.article_id = {seed.pk}"
        )


def copy_search_documents(seed: Article, first: int, last: int) -> None:
    """The search documents of stories first..last, written here instead of by the batch's
    end: a copy's standfirst and body are the seed's, so their indexed text is the seed's,
    computed once, not once per copy (on SQLite a Python function over each body, on
    PostgreSQL `to_tsvector` over each); the headline and labels, which differ, are computed
    per story as the triggers would. Then the batch's list of stories to index is emptied.
    The result is what `search_refresh` / the SQLite upsert would write: `check_search`
    compares one copy's document with theirs at the end."""
    document, labels = search_schema.DOCUMENT, search_schema._LABELS
    with connection.cursor() as cursor:
        if pg():
            ranked = search_schema._PG_RANKED.replace("cfg", "search_config()")
            # The standfirst's vector too is the seed's: once, not once a copy (a fifth of
            # the statement's time).
            standfirst = (
                "setweight(to_tsvector(search_config(), unaccent(search_text(a.standfirst))), 'B')"
            )
            if standfirst in ranked:
                ranked = ranked.replace(standfirst, "b.s")
            cursor.execute(
                f"WITH b AS MATERIALIZED (SELECT setweight(to_tsvector(search_config(), "
                f"unaccent(search_text(x.body))), 'C') AS v, "
                f"{standfirst.replace('a.', 'x.')} AS s FROM news_article x "
                f"WHERE x.id = {seed.pk}) "
                f"INSERT INTO {document} (article_id, status, published_at, recency_at, "
                f"section_id, ranked, document) "
                f"SELECT a.id, a.status, a.published_at, COALESCE(a.published_at, a.modified_at),"
                f" a.section_id, r.ranked, r.ranked || b.v FROM news_article a CROSS JOIN b, "
                f"LATERAL (SELECT {ranked} AS ranked) r WHERE a.id BETWEEN {first} AND {last}"
            )
            cursor.execute(
                "INSERT INTO search_word (word) SELECT DISTINCT w FROM news_article a, "
                "unnest(tsvector_to_array(to_tsvector('simple', "
                "search_text(a.headline || ' ' || a.standfirst)))) w "
                f"WHERE a.id BETWEEN {first} AND {last} AND length(w) BETWEEN 3 AND 40 "
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute("SELECT set_config('dateline.search_pending', '', true)")
        else:
            cursor.execute(
                f"INSERT INTO {document} (article_id, status, published_at, recency_at, "
                f"section_id, headline, standfirst, body, labels) "
                f"SELECT a.id, a.status, a.published_at, COALESCE(a.published_at, a.modified_at),"
                f" a.section_id, dateline_search_text(a.headline), d.standfirst, d.body, "
                f"dateline_search_text((SELECT group_concat(n.name, ' ') FROM ({labels}) n)) "
                f"FROM news_article a CROSS JOIN {document} d "
                f"WHERE d.article_id = {seed.pk} AND a.id BETWEEN {first} AND {last}"
            )
            cursor.execute("DELETE FROM search_pending")


# The tables every chunk writes. Their secondary indexes are dropped for the copy and built
# once at the end: kept, each of a million rows updated them one by one (the two search GIN
# indexes alone took a 100,000-story chunk from ~5 to ~8 minutes on a loaded machine), and
# a bulk build of a sorted index is many times cheaper than as many single inserts.
WRITTEN = (
    "news_article", "news_article_authors", "news_article_tags", "news_article_topics",
    "news_article_body_pictures", "news_article_related_articles", "news_revision",
    "newsroom_workflow", search_schema.DOCUMENT, "search_word",
)  # fmt: skip


def drop_indexes() -> list[tuple[str, str]]:
    """Drop the written tables' indexes that back no constraint (unique and primary keys
    stay: the copy's ON CONFLICT and the triggers' lookups by id need them); return
    (name, definition) of each, for build_indexes."""
    with connection.cursor() as cursor:
        if not pg():
            # SQLite: sql is NULL for the indexes of UNIQUE and PRIMARY KEY constraints.
            tables = ", ".join(f"'{t}'" for t in WRITTEN)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({tables})"
            )
            dropped = cursor.fetchall()
            for name, _ in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            return dropped
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [list(WRITTEN)],
        )
        dropped = cursor.fetchall()
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
    return dropped


def build_indexes(dropped: list[tuple[str, str]]) -> None:
    if not dropped:
        return
    with connection.cursor() as cursor:
        if pg():
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in dropped:
            began = time.monotonic()
            cursor.execute(definition)
            print(f"  index {name}  {time.monotonic() - began:.1f} s", flush=True)
        if pg():
            cursor.execute("RESET maintenance_work_mem")


class _Undo(Exception):
    pass


def check_search(pk: int) -> None:
    """Stop with an error unless story `pk`'s search document is what the triggers' own
    refresh writes for it (run, compared, rolled back)."""
    columns = "ranked, document" if pg() else "headline, standfirst, body, labels"
    read = f"SELECT {columns} FROM {search_schema.DOCUMENT} WHERE article_id = {pk}"
    with connection.cursor() as cursor:
        cursor.execute(read)
        ours = cursor.fetchone()
        try:
            with transaction.atomic():
                if pg():
                    cursor.execute(f"SELECT search_refresh(ARRAY[{pk}]::bigint[])")
                else:
                    cursor.execute(search_schema._sqlite_upsert(f"a.id = {pk}"))
                cursor.execute(read)
                theirs = cursor.fetchone()
                raise _Undo
        except _Undo:
            pass
    if ours != theirs:
        sys.exit(f"story {pk}'s search document differs from the triggers' own")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="stories in the archive, seed stories included")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if Article.objects.exists():
        sys.exit("the database already holds stories; give an empty one")
    call_command("import", "ninjs", str(args.seed), stdout=open(os.devnull, "w"))
    seed = Article.objects.get(slug=SEED_SLUG)
    ids = labels()
    base = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    total = args.n - Article.objects.count()
    start = (clock.now() - dt.timedelta(minutes=1)).replace(microsecond=0)
    start_sql = connection.ops.adapt_datetimefield_value(start)
    if not pg():
        with connection.cursor() as cursor:
            # For the build only (a crash means building again): the rollback journal in
            # memory, not each page written to the WAL first and again at the checkpoint
            # (check_search still rolls back); a 1 GB page cache for the indexes' pages.
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")
    # Worth it only when the copy dwarfs the rows already there (more than one chunk).
    dropped = drop_indexes() if total > CHUNK else []
    done = 0
    while done < total:
        size = min(CHUNK, total - done)
        first = base + done + 1
        # The index's documents built once per story at the chunk's end, not once for the
        # stories' rows and again for each kind of label link (dateline/search/index.py).
        with transaction.atomic(), search_index.batch():
            if pg():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            copy_stories(seed, base, first, first + size - 1, start_sql, ids[0])
            copy_relations(seed, base, first, first + size - 1, ids)
            copy_search_documents(seed, first, first + size - 1)
        done += size
        print(
            f"{done + args.n - total:>10,} stories  {time.monotonic() - started:7.1f} s", flush=True
        )
    build_indexes(dropped)
    with connection.cursor() as cursor:
        if pg():
            for table in ("news_article", "news_revision"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    if total > 0:
        check_search(base + total)
    archive.refresh(None, now=clock.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    visible = Article.objects.published().count()
    print(f"{visible:,} visible stories in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
