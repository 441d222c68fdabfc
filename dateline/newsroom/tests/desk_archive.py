"""A desk's archive of `n` stories in SQL, for the story list's scale tests and its
benchmark (bench/desk_list.py): copies of one story, as bench/make_archive.py makes, with
the rows the list reads (workflow, authors) and a mix of states. PostgreSQL
`generate_series`, SQLite a recursive CTE, 100,000 rows a statement."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from dateline.core import clock
from dateline.news.models import Article, Author
from dateline.news.tests import factories

CHUNK = 100_000


SECTIONS, AUTHORS = 4, 20


def _series(lo: int, hi: int) -> tuple[str, str]:
    if connection.vendor == "postgresql":
        return "", f"generate_series({lo}, {hi}) AS s(g)"
    return (
        f"WITH RECURSIVE s(g) AS (SELECT {lo} UNION ALL SELECT g + 1 FROM s WHERE g < {hi}) ",
        "s",
    )


def _moment(start: str, seconds: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST('{start}' AS timestamptz) - make_interval(secs => {seconds}))"
    return f"datetime('{start}', '-' || ({seconds}) || ' seconds')"


def build(n: int, writer, *, progress=None) -> dict:
    """`n` stories copied from one in SQL: nine in ten live (30 s apart, newest first),
    the rest drafts, one in a thousand in review, and every 97th scheduled; four sections,
    twenty authors, every 500th story `writer`'s."""
    sections = [factories.section(f"Desk {i}") for i in range(SECTIONS)]
    # Made once: a second build (the benchmark grows its archive) adds stories only.
    authors = [
        Author.objects.get_or_create(slug=f"writer-{i}", defaults={"name": f"Writer {i}"})[0]
        for i in range(AUTHORS)
    ]
    seed = factories.article(headline="Harbour seed", section_obj=sections[0], publish=False)
    base = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    start = connection.ops.adapt_datetimefield_value(clock.now().replace(microsecond=0))
    later = connection.ops.adapt_datetimefield_value(clock.now() + dt.timedelta(days=2))
    at = _moment(start, "g * 30")
    section = (
        "CASE "
        + " ".join(f"WHEN g % {SECTIONS} = {i} THEN {s.pk}" for i, s in enumerate(sections))
        + " END"
    )
    values = {
        "id": f"{base} + g",
        "headline": "a.headline || ' ' || CAST(g AS VARCHAR(12))",
        "slug": "a.slug || '-' || CAST(g AS VARCHAR(12))",
        "section_id": section,
        "status": "CASE WHEN g % 10 = 0 AND g % 97 <> 0 THEN 'draft' ELSE 'published' END",
        "published_at": (
            f"CASE WHEN g % 97 = 0 THEN CAST('{later}' AS timestamptz) "
            f"WHEN g % 10 = 0 THEN NULL ELSE {at} END"
            if connection.vendor == "postgresql"
            else f"CASE WHEN g % 97 = 0 THEN '{later}' WHEN g % 10 = 0 THEN NULL ELSE {at} END"
        ),
        "created_at": at,
        "modified_at": at,
        "created_by_id": f"CASE WHEN g % 500 = 0 THEN {writer.pk} ELSE NULL END",
        "version": "1",
    }
    columns = [f.column for f in Article._meta.concrete_fields]
    select = ", ".join(values.get(c, f"a.{c}") for c in columns)
    statements = [
        f"INSERT INTO news_article ({', '.join(columns)}) SELECT {select} "
        f"FROM {{source}} CROSS JOIN news_article a WHERE a.id = {seed.pk}",
        "INSERT INTO newsroom_workflow "
        "(article_id, state, changed_at, taken_down, assigned_to_id) "
        f"SELECT {base} + g, CASE WHEN g % 1000 = 0 THEN 'in_review' "
        "WHEN g % 10 = 0 THEN 'draft' ELSE 'approved' END, "
        f"{at}, FALSE, NULL FROM {{source}}",
        "INSERT INTO news_article_authors (article_id, author_id) "
        f"SELECT {base} + g, {authors[0].pk} + g % {AUTHORS} FROM {{source}}",
    ]
    with connection.cursor() as cursor:
        for lo in range(1, n + 1, CHUNK):
            hi = min(lo + CHUNK - 1, n)
            prefix, source = _series(lo, hi)
            for sql in statements:
                cursor.execute(prefix + sql.replace("{source}", source))
            if progress:
                progress(hi)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('news_article', 'id'), "
                "(SELECT MAX(id) FROM news_article))"
            )
        cursor.execute("ANALYZE")
    return {"sections": sections, "authors": authors}
