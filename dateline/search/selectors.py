"""Search, for readers and for the newsroom: one call, one results contract, whichever
engine the site runs on (PostgreSQL full text or SQLite FTS5, `backends/`).

    search_stories(query, *, visibility, filters, sort, cursor, limit, now) -> SearchResults

Readers see only visible stories (published, not taken down, published_at ≤ now by the
site clock); the newsroom sees every story but placeholders. A query is parsed once
(`query.parse`), so quotes, -word and `or` mean the same on both engines, and a query with
nothing to look for comes back `usable=False` with no hits rather than as an error.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from dateline.core import clock
from dateline.news.models import Article
from dateline.search.backends import (
    START,
    STOP,
    Filters,
    Sort,
    Visibility,
    backend,
)
from dateline.search.query import Query, parse
from dateline.search.schema import CJK

__all__ = [
    "Filters",
    "matching_pictures",
    "matching_stories",
    "search_pictures",
    "Hit",
    "SearchResults",
    "Sort",
    "Visibility",
    "search_stories",
]

PAGE_SIZE = 20
# Deeper than this a reader refines the query; an offset this large still costs little.
MAX_OFFSET = 1000

_CJK_GAP = re.compile(f"(?<=[{CJK}])([{START}{STOP}]?) ([{START}{STOP}]?)(?=[{CJK}])")


@dataclass
class Hit:
    article: Article
    snippet: Markup  # the text around the matched words, escaped, matches in <mark>
    score: float


@dataclass
class SearchResults:
    query: Query
    hits: list[Hit]
    sort: Sort
    next_cursor: str | None
    previous_cursor: str | None
    suggestion: str | None = None

    @property
    def usable(self) -> bool:
        return self.query.usable


def _offset(cursor: str | None) -> int:
    """A cursor is opaque to callers; it is the offset of the page's first result."""
    try:
        return min(max(int(cursor or 0), 0), MAX_OFFSET)
    except ValueError:
        return 0


def snippet_html(raw: str) -> Markup:
    """Escape the snippet's text (the stories are not trusted to be markup-free, nor is
    the query that chose the words) and mark the matched words, in balanced pairs only."""
    raw = html.unescape(_CJK_GAP.sub(r"\1\2", raw))
    out: list[str] = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}])", raw):
        if piece == START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif piece == STOP and open_mark:
            out.append("</mark>")
            open_mark = False
        elif piece not in (START, STOP):
            out.append(str(escape(piece)))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out).strip())


def search_stories(
    query: str | Query,
    *,
    visibility: Visibility = Visibility.READERS,
    filters: Filters | None = None,
    sort: Sort = Sort.BEST,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
    suggest: bool = True,
) -> SearchResults:
    """The stories matching `query` that `visibility` may see, best first (by `sort`),
    a page of `limit` from `cursor`; with "did you mean" for a misspelt single word."""
    parsed = query if isinstance(query, Query) else parse(query)
    filters = filters or Filters()
    now = now or clock.now()
    offset = _offset(cursor)
    if not parsed.usable:
        return SearchResults(parsed, [], sort, None, None)
    engine = backend()
    # One more than the page: whether there is a next page, without counting them all.
    raw = engine.search(
        parsed,
        visibility=visibility,
        filters=filters,
        now=now,
        offset=offset,
        limit=limit + 1,
        sort=sort,
    )
    more = len(raw) > limit
    raw = raw[:limit]
    stories = Article.objects.filter(pk__in=[h.article_id for h in raw])
    if visibility is Visibility.READERS:
        stories = stories.for_listing()
    else:
        # The desk's lists show status and workflow besides the teaser.
        stories = stories.select_related("section", "workflow").defer("body")
    found = {a.pk: a for a in stories} if raw else {}
    hits = [
        Hit(found[h.article_id], snippet_html(h.snippet), h.score)
        for h in raw
        if h.article_id in found
    ]
    suggestion = None
    if suggest and not hits and offset == 0 and parsed.single_word:
        suggestion = _suggestion(parsed.single_word, visibility, filters, now)
    return SearchResults(
        query=parsed,
        hits=hits,
        sort=sort,
        next_cursor=str(offset + limit) if more and offset + limit <= MAX_OFFSET else None,
        previous_cursor=str(max(offset - limit, 0)) if offset else None,
        suggestion=suggestion,
    )


def _suggestion(word: str, visibility, filters, now) -> str | None:
    """A word like `word` that this reader's own search finds (a word only a draft holds
    is never suggested to a reader)."""
    engine = backend()
    for candidate in engine.similar_words(word):
        if engine.exists(parse(candidate), visibility=visibility, filters=filters, now=now):
            return candidate
    return None


def search_pictures(query: str | Query, *, cursor: str | None = None, limit: int = PAGE_SIZE):
    """Pictures of the library whose caption, credit or alt text match `query`, best
    first (the newsroom's picture chooser; pictures are not public by themselves)."""
    from dateline.pictures.models import Picture

    parsed = query if isinstance(query, Query) else parse(query)
    if not parsed.usable:
        return []
    ids = backend().search_pictures(parsed, offset=_offset(cursor), limit=limit)
    found = Picture.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """Named parameters as positional ones, for a RawSQL expression."""
    names = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\((\w+)\)s", "%s", sql), [params[n] for n in names]


def matching_stories(query: str | Query):
    """A condition for a story queryset, `pk__in=matching_stories(q)`: every story whose
    text matches, unranked and unlimited (the desk's lists keep their own order and
    paging); None when the query has nothing to look for."""
    from django.db.models.expressions import RawSQL

    parsed = query if isinstance(query, Query) else parse(query)
    if not parsed.usable:
        return None
    return RawSQL(*_positional(*backend().matching_sql(parsed)))


def matching_pictures(query: str | Query):
    """The same for a picture queryset (caption, credit, alt text)."""
    from django.db.models.expressions import RawSQL

    parsed = query if isinstance(query, Query) else parse(query)
    if not parsed.usable:
        return None
    return RawSQL(*_positional(*backend().matching_pictures_sql(parsed)))
