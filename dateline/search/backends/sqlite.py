"""SQLite FTS5 over the external-content table search_fts (porter over unicode61,
diacritics removed): best first by where the words are (headline, standfirst, labels)
weighed by recency, or by them alone (sorted by relevance), without bm25; snippets from
FTS5's snippet()."""

from __future__ import annotations

import difflib

from django.db import connection

from dateline.search.backends import RECENCY_DAYS, START, RawHit, Sort, conditions
from dateline.search.query import Query, index_text

_AGE = "MAX(julianday(%(now)s) - julianday(m.at), 0)"
_SCORE = f"m.relevance / (1 + {_AGE} / {RECENCY_DAYS})"
_ORDER = {
    Sort.BEST: f"{_SCORE} DESC, m.at DESC",
    Sort.RELEVANCE: "m.relevance DESC, m.at DESC",
    Sort.NEWEST: "m.at DESC",
}
_HEADED = "{headline standfirst labels}"

# Best first ranks the BEST_CANDIDATES newest matches (as many as a 1,000-story archive has
# of a word in every story), without bm25: bm25 counts every match of each word in the
# whole index for its IDF, once per statement, before the first row (24 ms for a word in a
# million stories however few rows are ranked; FTS5's own loop, not VM steps). A story
# ranks by the columns that hold the whole query, as on PostgreSQL (its `ranked`): 1 for a
# match anywhere (the body), and bm25's column weights for the headline (10), the
# standfirst (4) and the labels (4); equal ranks go by time.
# The newest matches are found in bounded reads of BEST_CANDIDATES rows. A word with that
# many matches (`common`, read from its doclist alone) is looked for among the newest
# stories by time (`recent`), checked against the word's matches in their id range (one
# range read of the doclist; each story looked up by id instead costs 56 µs at a
# million). Short of BEST_CANDIDATES there (a rare word, or one common only long ago), the
# matches with the highest ids join them (`written`, FTS5's own order: the newest stories
# as written), unless the read by time saw every story the filters leave (a date range
# long ago: the matches in it are then all found). Time first keeps this week's stories
# in when older ones were written after them (an imported archive; the bench's archive is
# written newest first). Each column's matches are read once, in the candidates' id range
# only.
BEST_CANDIDATES = 1000
_WEIGHTS = {"headline": 10, "standfirst": 4, "labels": 4}
_IN_RANGE = "rowid BETWEEN (SELECT min(id) FROM {0}) AND (SELECT max(id) FROM {0})"
_BEST_SQL = f"""
common AS MATERIALIZED (
  SELECT count(*) >= %(best_candidates)s AS yes FROM (
    SELECT rowid FROM search_fts WHERE search_fts MATCH %(match)s LIMIT %(best_candidates)s)
),
recent AS MATERIALIZED (
  SELECT d.article_id AS id, d.recency_at AS at FROM search_searchdocument d
  WHERE {{where}} ORDER BY d.recency_at DESC, d.article_id DESC
  LIMIT CASE WHEN (SELECT yes FROM common) THEN %(best_candidates)s ELSE 0 END
),
recent_matches AS MATERIALIZED (
  SELECT r.id, r.at FROM recent r WHERE r.id IN (
    SELECT rowid FROM search_fts WHERE search_fts MATCH %(match)s
      AND {_IN_RANGE.format("recent")})
),
written AS MATERIALIZED (
  SELECT d.article_id AS id, d.recency_at AS at
  FROM search_fts JOIN search_searchdocument d ON d.article_id = search_fts.rowid
  WHERE search_fts MATCH %(match)s AND {{where}}
  ORDER BY search_fts.rowid DESC
  LIMIT CASE WHEN (SELECT count(*) FROM recent_matches) >= %(best_candidates)s
      OR (SELECT yes FROM common) AND (SELECT count(*) FROM recent) < %(best_candidates)s
    THEN 0 ELSE %(best_candidates)s END
),
candidates AS MATERIALIZED (
  SELECT id, at FROM (SELECT id, at FROM recent_matches UNION SELECT id, at FROM written)
  ORDER BY at DESC, id DESC LIMIT %(best_candidates)s
),
"""
# The id range the stories ranked lie in, and which end of it is nearer the doclist's end.
_EDGES = """
edges AS MATERIALIZED (
  SELECT min(id) AS lo, max(id) AS hi,
    (SELECT max(article_id) FROM search_searchdocument) - max(id) <= min(id) AS up
  FROM {0}
),"""
# A column's matches in the candidates' id range. FTS5 checks the range only at a match:
# looking for the next story with the word in its headline, it reads on past the range's
# end to the next one or to the doclist's end (23 ms for "kabul", in no headline, at a
# million). So the range is read from its end nearer the doclist's end: upwards when the
# candidates have the highest ids (stories written in time order), downwards when they
# have the lowest (an archive written newest first, as the bench's); past the range it
# then reads at most the stories beyond that end.
_IN_COLUMN = """(c.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %(in_{0})s
      AND rowid BETWEEN (SELECT lo FROM edges) AND (SELECT hi FROM edges)
      ORDER BY rowid {1} LIMIT CASE WHEN (SELECT up FROM edges) = {2} THEN -1 ELSE 0 END))"""


def _in_column(col: str) -> str:
    return f"({_IN_COLUMN.format(col, 'ASC', 1)} OR {_IN_COLUMN.format(col, 'DESC', 0)})"


def _matched(pool: str) -> str:
    return (
        "SELECT c.id, 1 + "
        + " + ".join(f"{w} * {_in_column(col)}" for col, w in _WEIGHTS.items())
        + f" AS relevance, c.at FROM {pool} c"
    )


# Sorted by relevance, as on PostgreSQL, the stories ranked are the newest page's worth of
# every match (NEWEST_SQL: a body-only match ranks by its time alone) and the newest
# BEST_CANDIDATES whose headline, standfirst or labels hold the words (`headed`), however
# many newer stories hold them only in their body; ranked by the same columns as best
# first, without bm25 (its IDF loop, 24 ms at a million).
# The headed matches are read from the doclist in slices of BEST_CANDIDATES ids, the
# newest slice first, up to HEADED_SLICES of them, until BEST_CANDIDATES match (a UNION
# ALL under a LIMIT reads no slice past it). The newest end is the newest story's
# (`side`): the highest ids when stories are written in time order, the lowest in an
# archive written newest first. Each slice is read towards that end, since FTS5 checks a
# rowid range only at a match (see _IN_COLUMN): past its range a slice reads at most the
# newer slices' ids. So a word in every headline reads one slice, and one in few
# headlines HEADED_SLICES: the doclist's newest HEADED_SLICES x BEST_CANDIDATES ids at
# most, never the whole of it (a headline match older than that is reached by a date or
# another word, as on PostgreSQL beyond its 1,000 headline matches). Within the slice
# where the LIMIT falls, its older matches come first (the read's direction).
HEADED_SLICES = 20
_SIDE = """
side AS MATERIALIZED (
  SELECT lo, hi, hi - newest <= newest - lo AS up FROM (SELECT
    (SELECT min(article_id) FROM search_searchdocument) AS lo,
    (SELECT max(article_id) FROM search_searchdocument) AS hi,
    (SELECT article_id FROM search_searchdocument WHERE recency_at <= %(now)s
      ORDER BY recency_at DESC LIMIT 1) AS newest)
),"""
_SLICE = """SELECT * FROM (SELECT rowid AS id FROM search_fts
    WHERE search_fts MATCH %(headed)s AND rowid BETWEEN {lo} AND {hi}
    ORDER BY rowid {order} LIMIT CASE WHEN (SELECT up FROM side) THEN {up} ELSE {down} END)"""


def _slices() -> str:
    step = "%(best_candidates)s"
    arms = []
    for k in range(HEADED_SLICES):
        top = f"(SELECT hi FROM side) - {k} * {step}"
        bottom = f"(SELECT lo FROM side) + {k} * {step}"
        arms.append(_SLICE.format(lo=f"{top} - {step} + 1", hi=top, order="ASC", up=-1, down=0))
        arms.append(
            _SLICE.format(lo=bottom, hi=f"{bottom} + {step} - 1", order="DESC", up=0, down=-1)
        )
    return "\n  UNION ALL ".join(arms)


def _headed_sql(where: str) -> str:
    return f"""
headed AS MATERIALIZED (
  SELECT d.article_id AS id, d.recency_at AS at FROM (
  {_slices()}
  ) h JOIN search_searchdocument d ON d.article_id = h.id
  WHERE {where}
  LIMIT %(best_candidates)s
),
pool AS MATERIALIZED (SELECT id, at FROM newest UNION SELECT id, at FROM headed),"""


# Newest first, a page's matches are found in bounded steps. FTS5 gives its matches in rowid
# (story id) order, not time order: sorting every match by time read a common word's
# million matches for a page of 20 (2.2 s at 200,000 stories). So, in one statement:
# - `few`: up to FEW matches. Fewer than FEW is all of them, read and sorted as before.
# - `walked`: otherwise the word is common; the stories are walked down the time index,
#   newest first, each looked up in the FTS index by its id (a seek, `rowid = ? AND
#   MATCH`), until a page's worth (`need`) match, at most WALK stories.
# - `m`: the walked matches when there are a page's worth, or when the walk read every
#   story the filters leave (fewer than WALK: a date range long ago); else (a word common
#   among old stories only, or a short archive) every match, sorted, as before.
# Each branch's count is tested once, before its loop (a LIMIT of 0; a one-row or no-row
# table CROSS JOINed first), so the branch not taken reads nothing: as a plain WHERE term,
# SQLite tested it against each row of the branch (every match).
FEW = 5000
WALK = 20000
NEWEST_SQL = """
few AS MATERIALIZED (
  SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %(match)s LIMIT %(few)s
),
walked AS MATERIALIZED (
  SELECT w.id, w.at FROM (
    SELECT d.article_id AS id, d.recency_at AS at FROM search_searchdocument d
    WHERE {where} ORDER BY d.recency_at DESC, d.article_id DESC
    LIMIT CASE WHEN (SELECT count(*) FROM few) >= %(few)s THEN %(walk)s ELSE 0 END
  ) w
  WHERE EXISTS (SELECT 1 FROM search_fts
                WHERE search_fts MATCH %(match)s AND search_fts.rowid = w.id)
  LIMIT %(need)s
),
short AS MATERIALIZED (
  SELECT CASE WHEN (SELECT count(*) FROM few) < %(few)s THEN 1
    WHEN (SELECT count(*) FROM walked) >= %(need)s THEN 0
    ELSE (SELECT count(*) FROM (
      SELECT 1 FROM search_searchdocument d WHERE {where} LIMIT %(walk)s)) >= %(walk)s END AS yes
),
newest AS MATERIALIZED (
  SELECT id, at FROM walked WHERE NOT (SELECT yes FROM short)
  UNION ALL
  SELECT d.article_id, d.recency_at
  FROM (SELECT 1 WHERE (SELECT yes FROM short)) short
  CROSS JOIN search_fts JOIN search_searchdocument d ON d.article_id = search_fts.rowid
  WHERE search_fts MATCH %(match)s AND {where}
)"""


def newest_params(match: str, need: int) -> dict:
    return {"match": match, "few": FEW, "walk": WALK, "need": need}


def register_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "dateline_search_text", 1, index_text, deterministic=True
        )


# The page's stories again in the order they were chosen.
_OUTER_ORDER = {
    Sort.BEST: "top.score DESC, top.at DESC",
    Sort.RELEVANCE: "top.relevance DESC, top.at DESC",
    Sort.NEWEST: "top.at DESC",
}


def search(query: Query, *, visibility, filters, now, offset: int, limit: int, sort: Sort):
    where, params = conditions(visibility=visibility, filters=filters, now=now)
    match = query.fts5()
    params.update(
        match=match,
        headed=query.fts5(_HEADED),
        limit=limit,
        offset=offset,
    )
    where_sql = " AND ".join(where)
    if sort is Sort.NEWEST:
        params.update(newest_params(match, offset + limit))
        before = NEWEST_SQL.format(where=where_sql) + ","
        matched = "SELECT id, 0.0 AS relevance, at FROM newest"
    else:
        params.update(
            {f"in_{col}": f"{{{col}}} : ({match})" for col in _WEIGHTS},
            best_candidates=BEST_CANDIDATES,
        )
        if sort is Sort.BEST:
            # Recency weighs in and a body match ranks too: the newest matches suffice.
            before = _BEST_SQL.format(where=where_sql)
            pool = "candidates"
        else:
            # A body-only match ranks by its time alone: the newest page's worth of every
            # match, and the newest headline matches.
            params.update(newest_params(match, offset + limit))
            before = NEWEST_SQL.format(where=where_sql) + "," + _SIDE + _headed_sql(where_sql)
            pool = "pool"
        before += _EDGES.format(pool)
        matched = _matched(pool)
    # Matched, ranked, then the snippets: snippet() reads the text, so it is made for the
    # page's stories only, each looked up by id (CROSS JOIN keeps `top` the outer loop: with
    # the query's values as parameters, SQLite chose to scan every match of the word and
    # look each up in `top`, a million at a million stories).
    sql = f"""
    WITH {before} m AS MATERIALIZED ({matched}),
    top AS MATERIALIZED (
      SELECT m.id, {_SCORE} AS score, m.relevance, m.at FROM m
      ORDER BY {_ORDER[sort]}, m.id DESC
      LIMIT %(limit)s OFFSET %(offset)s
    )
    SELECT top.id, top.score,
      snippet(search_fts, 1, char(2), char(3), '…', 24),
      snippet(search_fts, 2, char(2), char(3), '…', 24)
    FROM top CROSS JOIN search_fts ON search_fts.rowid = top.id
    WHERE search_fts MATCH %(match)s
    ORDER BY {_OUTER_ORDER[sort]}, top.id DESC"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        RawHit(pk, score or 0.0, standfirst if START in standfirst else body)
        for pk, score, standfirst, body in rows
    ]


def exists(query: Query, *, visibility, filters, now) -> bool:
    where, params = conditions(visibility=visibility, filters=filters, now=now)
    params["match"] = query.fts5()
    sql = f"""SELECT 1 FROM search_fts JOIN search_searchdocument d
      ON d.article_id = search_fts.rowid
      WHERE search_fts MATCH %(match)s AND {" AND ".join(where)} LIMIT 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def similar_words(word: str, limit: int = 5) -> list[str]:
    """Indexed headline and standfirst words like `word` (same first letter, close in
    spelling), best first."""
    word = word.lower()
    first = word[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM search_words WHERE term >= %s AND term < %s",
            [first, chr(ord(first) + 1)],
        )
        terms = [t for (t,) in cursor.fetchall() if abs(len(t) - len(word)) <= 2 and t != word]
    return difflib.get_close_matches(word, terms, n=limit, cutoff=0.7)


def search_pictures(query: Query, *, offset: int, limit: int) -> list[int]:
    # bm25 column weights: caption, credit, alt text.
    sql = """SELECT rowid FROM search_picture_fts WHERE search_picture_fts MATCH %(match)s
      ORDER BY bm25(search_picture_fts, 4.0, 1.0, 2.0), rowid DESC
      LIMIT %(limit)s OFFSET %(offset)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"match": query.fts5(), "limit": limit, "offset": offset})
        return [pk for (pk,) in cursor.fetchall()]


def newest_matching_sql(query: Query, where: str, params: dict, need: int) -> tuple[str, dict]:
    """The ids of the `need` newest stories matching `query` whose document row `d` meets
    `where`, found as the search page's newest-first read finds them (NEWEST_SQL)."""
    sql = f"WITH {NEWEST_SQL.format(where=where)} SELECT id FROM newest"
    return sql, {**params, **newest_params(query.fts5(), need)}


def matching_sql(query: Query) -> tuple[str, dict]:
    return "SELECT rowid FROM search_fts WHERE search_fts MATCH %(match)s", {"match": query.fts5()}


def matching_pictures_sql(query: Query) -> tuple[str, dict]:
    sql = "SELECT rowid FROM search_picture_fts WHERE search_picture_fts MATCH %(match)s"
    return sql, {"match": query.fts5()}
