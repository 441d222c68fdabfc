"""PostgreSQL full text: the stored, weighted tsvector (GIN-indexed), queries read by
websearch_to_tsquery in the publication's configuration, snippets from ts_headline, "did
you mean" from the trigram index on search_word (pg_trgm).

A story ranks by its headline, standfirst and labels (`ranked`, a small vector kept in the
row); one that holds the words only in its body ranks by its time alone. So the best page
is among two sets, each found newest first: the newest CANDIDATES stories whose headline,
standfirst or labels hold all the words (a GIN index on `ranked`; all of them, for any
but the commonest words), and the newest page's worth of every match (the document's GIN
index; body-only matches, ranked by time, need no more). An old story with the words in
its headline is ranked whatever the number of newer stories that hold them only in their
body; one older than the newest 1,000 that hold them in their headline too is one a
reader reaches by adding a word or a date: ranking a word in half of a million headlines
would be half a million reads.
"""

from __future__ import annotations

from django.db import connection

from dateline.search.backends import RECENCY_DAYS, START, STOP, RawHit, Sort, conditions
from dateline.search.query import Query, Term
from dateline.search.schema import PG_CONFIGS

CANDIDATES = 1000
PAGE_WINDOW_DAYS = [2, 7, 31, 366]
HEADED_WINDOW_DAYS = [7, 31, 92, 366]
_BRANCH = """(SELECT d.article_id, d.recency_at, d.ranked FROM search_searchdocument d
       WHERE {{where}} AND {window} AND {{match}}{{gate}}
       ORDER BY d.recency_at DESC, d.article_id DESC)"""
# The newest matches are found window by window, the newest first: PostgreSQL runs the
# next branch of the UNION only while fewer than the LIMIT have come, so a common word is
# looked for among the last days' stories that have it (one GIN bitmap ANDed with the
# time index, or the window's stories filtered), and a rare one among all of them. The
# newest page of all matches needs a few stories, the headline matches a few thousand.


# A quoted phrase needs its words' positions, which the GIN index does not hold: each
# story whose document has the words is read from the heap (its out-of-line document) to
# check them. Two words that often stand near each other are in tens of thousands of
# stories together and in a hundred as the phrase, so a window that checked each of its
# candidates read them all to keep the newest few. Here a window's candidates are found by
# the words alone (which the index answers without reading a document), put in time order
# from the row, and the phrase is checked on them in that order: the UNION's LIMIT stops
# the checks once the page is full. OFFSET 0 keeps the phrase out of the inner scan.
_PHRASE_BRANCH = """(SELECT c.article_id, c.recency_at, c.ranked FROM (
       SELECT d.article_id, d.recency_at, d.ranked, d.document FROM search_searchdocument d
       WHERE {{where}} AND {window} AND {{words}}
       ORDER BY d.recency_at DESC, d.article_id DESC OFFSET 0) c
       WHERE {{match}})"""


def _windows(days: list[int], branch: str = _BRANCH) -> str:
    branches = []
    newer = None
    for age in [*days, None]:
        bounds = []
        if newer is not None:
            bounds.append(f"d.recency_at <= %(now)s - interval '{newer} days'")
        if age is not None:
            bounds.append(f"d.recency_at > %(now)s - interval '{age} days'")
        else:
            bounds = [f"({bounds[0]} OR d.recency_at IS NULL)"]
        branches.append(branch.format(window=" AND ".join(bounds)))
        newer = age
    return " UNION ALL ".join(branches)


def _all_time(days: list[int]) -> str:
    """One branch for every match, in the windows' order: the last window's stories
    (older, or undated) after the rest, each part newest first as its windows give it."""
    return f"""(SELECT d.article_id, d.recency_at, d.ranked FROM search_searchdocument d
       WHERE {{where}} AND {{match}}{{gate}}
       ORDER BY COALESCE(d.recency_at > %(now)s - interval '{days[-1]} days', false) DESC,
         d.recency_at DESC, d.article_id DESC)"""


_PAGE_WINDOWS = _windows(PAGE_WINDOW_DAYS)
_PHRASE_PAGE_WINDOWS = _windows(PAGE_WINDOW_DAYS, _PHRASE_BRANCH)
_HEADED_WINDOWS = _windows(HEADED_WINDOW_DAYS)
_HEADED_ALL_TIME = _all_time(HEADED_WINDOW_DAYS)

# A word too rare to fill its LIMIT within the last year runs every window, each building
# the same GIN bitmap again (12 ms each for a word in 20,000 of a million stories), and
# the last, all-time window reads every older match anyway: one bitmap over all time reads
# the same rows once. Whether the windows would fill is estimated in the statement, once
# (an InitPlan: the branches not taken are never run), from the statistics the planner
# itself reads: the rarest word's share of the column (pg_stats' most common lexemes, or
# below the rarest of them), the section's share, the last year's share of the dates. No
# statistics, no estimate: the windows, as before.
_OF_TABLE = "t.schemaname = current_schema() AND t.tablename = 'search_searchdocument'"
_WORD_SHARE = f"""(SELECT min(COALESCE(
    t.most_common_elem_freqs[array_position(t.most_common_elems::text::text[], w.lexeme)],
    t.most_common_elem_freqs[cardinality(t.most_common_elems::text::text[]) + 1]))
  FROM unnest(tsvector_to_array(to_tsvector(%(cfg)s::regconfig,
    public.unaccent('public.unaccent'::regdictionary, %(words)s)))) w(lexeme), pg_stats t
  WHERE {_OF_TABLE} AND t.attname = '{{column}}')"""
_YEAR_SHARE = f"""(SELECT avg((b > %(now)s - interval '366 days')::int)
  FROM pg_stats t, unnest(t.histogram_bounds::text::timestamptz[]) b
  WHERE {_OF_TABLE} AND t.attname = 'recency_at')"""
_SECTION_SHARE = f"""COALESCE((SELECT v.share
  FROM pg_stats t, unnest(t.most_common_vals::text::int[], t.most_common_freqs) v(section, share)
  WHERE {_OF_TABLE} AND t.attname = 'section_id' AND v.section = %(section)s), 1)"""
_STORIES = (
    "(SELECT NULLIF(c.reltuples, -1) FROM pg_class c"
    " WHERE c.oid = 'search_searchdocument'::regclass)"
)


def _estimate(*, section: bool) -> str:
    """The `est` row: whether the headline matches' windows are expected to fill their
    LIMIT. (The newest page needs a few stories: a word drawn from the stories fills it
    within the windows, and each branch more costs every query its planning.)"""
    last_year = f"{_STORIES} * {_YEAR_SHARE}"
    if section:
        last_year += f" * {_SECTION_SHARE}"
    return f"""SELECT {last_year} * {_WORD_SHARE.format(column="ranked")} >= %(candidates)s
      AS headed_windowed"""


def _gated(windows: str, all_time: str, flag: str, match: str, where: str) -> str:
    windowed = f" AND (SELECT e.{flag} FROM est e) IS NOT FALSE"
    return (
        windows.format(match=match, where=where, gate=windowed)
        + " UNION ALL "
        + all_time.format(
            match=match, where=where, gate=f" AND (SELECT e.{flag} FROM est e) IS FALSE"
        )
    )


def _phrase_words(query: Query) -> Query | None:
    """For a query with a quoted phrase (to match or to leave out): the words every match
    holds, phrases taken apart, those left out dropped; None for a query without one, or
    with an "or"."""
    if not any(" " in t.text for t in query.terms) or any(t.alternative for t in query.terms):
        return None
    terms = tuple(Term(text=w) for t in query.terms if not t.exclude for w in t.text.split())
    return Query(raw=query.raw, terms=terms, prefix=query.prefix)


def _estimated_words(query: Query) -> str | None:
    """The words every match holds all of, or None when the query's matches are not
    bounded by its rarest word's (an "or", a word being typed)."""
    if query.prefix or any(t.alternative for t in query.terms):
        return None
    return " ".join(t.text for t in query.terms if not t.exclude) or None


# ts_rank weights, {D, C, B, A}: body C, standfirst and labels B, headline A.
# A story matches by any of its words, body too; it ranks by its headline, standfirst and
# labels (`ranked`, kept in the row), a body-only match by its time alone.
_RANK = "(ts_rank('{0.1, 0.2, 0.4, 1.0}', m.ranked, q.query) + 0.01)"
_AGE = "GREATEST(EXTRACT(EPOCH FROM (%(now)s - m.recency_at)) / 86400.0, 0)"
_SCORE = f"{_RANK} / (1 + {_AGE} / {RECENCY_DAYS})"
_ORDER = {
    Sort.BEST: f"{_SCORE} DESC, m.recency_at DESC",
    Sort.RELEVANCE: f"{_RANK} DESC, m.recency_at DESC",
    Sort.NEWEST: "m.recency_at DESC",
}
# The page's stories again in the order they were chosen.
_OUTER_ORDER = {
    Sort.BEST: "top.score DESC, top.at DESC",
    Sort.RELEVANCE: "top.relevance DESC, top.at DESC",
    Sort.NEWEST: "top.at DESC",
}
_HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=35, MinWords=15, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def config_name() -> str:
    """The text search configuration of the publication's language, as search_config()
    names it in SQL (schema.PG_CONFIGS); read from the memoised publication settings, which
    the page has loaded anyway."""
    import time

    from django.conf import settings

    from dateline.news.models import Publication
    from dateline.pagecache.memo import memoized

    publication = memoized(
        "publication",
        ("settings",),
        Publication.load,
        expires_at=time.time() + settings.DATELINE_PAGE_CACHE_SECONDS,
    )
    return PG_CONFIGS.get((publication.language or "en").split("-")[0].lower(), "simple")


def _tsquery(query: Query, config: str | None = None) -> tuple[str, dict]:
    """The tsquery for `query`, and its parameters: search_tsquery() of constants, which
    PostgreSQL evaluates once while planning, so the planner knows how common the words are
    (whether to walk the GIN index, or the newest stories until enough match)."""
    params = {"cfg": config or config_name(), "q": query.websearch(), "p": query.prefix}
    return "search_tsquery(%(cfg)s, %(q)s, %(p)s)", params


def search(query: Query, *, visibility, filters, now, offset: int, limit: int, sort: Sort):
    sql, params = search_sql(
        query,
        visibility=visibility,
        filters=filters,
        now=now,
        offset=offset,
        limit=limit,
        sort=sort,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [RawHit(pk, float(score or 0), snippet) for pk, score, snippet in rows]


def search_sql(query: Query, *, visibility, filters, now, offset: int, limit: int, sort: Sort):
    """The search's one statement and its parameters (apart, for the plan tests)."""
    where, params = conditions(visibility=visibility, filters=filters, now=now)
    tsquery, query_params = _tsquery(query)
    params.update(
        query_params,
        limit=limit,
        offset=offset,
        newest=offset + limit,
        options=_HEADLINE_OPTIONS,
        candidates=CANDIDATES,
    )
    where_sql = " AND ".join(where)
    # Every story whose `ranked` holds the words holds them in its document (the document
    # is `ranked` with the body after it, positions unchanged), unless the query leaves a
    # word out: the body may hold that one.
    in_ranked = f"d.ranked @@ {tsquery}"
    if any(t.exclude for t in query.terms):
        in_ranked += f" AND d.document @@ {tsquery}"
    words = _estimated_words(query)
    phrase_words = _phrase_words(query)
    if phrase_words is None:
        newest = _PAGE_WINDOWS.format(match=f"d.document @@ {tsquery}", where=where_sql, gate="")
    else:
        params["apart"] = phrase_words.websearch()
        newest = _PHRASE_PAGE_WINDOWS.format(
            match=f"c.document @@ {tsquery}",
            where=where_sql,
            words="d.document @@ search_tsquery(%(cfg)s, %(apart)s, %(p)s)",
        )
    if words is None or sort is Sort.NEWEST:  # the newest page reads no headline matches
        est = ""
        headed = _HEADED_WINDOWS.format(match=in_ranked, where=where_sql, gate="")
    else:
        params["words"] = words
        est = f"est AS MATERIALIZED ({_estimate(section=filters.section_id is not None)}),"
        headed = _gated(_HEADED_WINDOWS, _HEADED_ALL_TIME, "headed_windowed", in_ranked, where_sql)
    if sort is Sort.NEWEST:
        candidates = f"SELECT * FROM ({newest}) w LIMIT %(newest)s"
    else:
        candidates = f"""
      SELECT * FROM (SELECT * FROM ({headed}) w LIMIT %(candidates)s) h
      UNION ALL
      SELECT * FROM (SELECT * FROM ({newest}) w LIMIT %(newest)s) n
      WHERE NOT (n.ranked @@ {tsquery})"""
    # Matched, ranked, then the snippets: ts_headline re-parses the text, so only the
    # page's stories pay for it.
    sql = f"""
    WITH q AS MATERIALIZED (SELECT {tsquery} AS query), {est}
    m AS MATERIALIZED ({candidates}),
    top AS (
      SELECT m.article_id AS id, {_SCORE} AS score, {_RANK} AS relevance, m.recency_at AS at
      FROM m, q
      ORDER BY {_ORDER[sort]}, m.article_id DESC
      LIMIT %(limit)s OFFSET %(offset)s
    )
    SELECT top.id, top.score,
      ts_headline(%(cfg)s::regconfig, search_text(a.standfirst) || ' … ' || search_text(a.body),
                  q.query, %(options)s)
    FROM top JOIN news_article a ON a.id = top.id, q
    ORDER BY {_OUTER_ORDER[sort]}, top.id DESC"""
    return sql, params


def exists(query: Query, *, visibility, filters, now) -> bool:
    where, params = conditions(visibility=visibility, filters=filters, now=now)
    tsquery, query_params = _tsquery(query)
    params.update(query_params)
    sql = f"""SELECT 1 FROM search_searchdocument d
      WHERE d.document @@ {tsquery} AND {" AND ".join(where)} LIMIT 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def similar_words(word: str, limit: int = 5) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_word WHERE word %% %s AND word <> %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT %s",
            [word.lower(), word.lower(), word.lower(), limit],
        )
        return [w for (w,) in cursor.fetchall()]


_PICTURE_VECTOR = "search_picture_vector(p.caption, p.credit, p.alt_text)"


def search_pictures(query: Query, *, offset: int, limit: int) -> list[int]:
    tsquery, params = _tsquery(query, "simple")
    params.update(limit=limit, offset=offset)
    sql = f"""SELECT p.id FROM pictures_picture p
      WHERE {_PICTURE_VECTOR} @@ {tsquery}
      ORDER BY ts_rank({_PICTURE_VECTOR}, {tsquery}) DESC, p.id DESC
      LIMIT %(limit)s OFFSET %(offset)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def matching_sql(query: Query) -> tuple[str, dict]:
    tsquery, params = _tsquery(query)
    return f"SELECT d.article_id FROM search_searchdocument d WHERE d.document @@ {tsquery}", params


def matching_pictures_sql(query: Query) -> tuple[str, dict]:
    tsquery, params = _tsquery(query, "simple")
    return f"SELECT p.id FROM pictures_picture p WHERE {_PICTURE_VECTOR} @@ {tsquery}", params
