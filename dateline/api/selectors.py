"""The content API's reads. Each answer's whole read is one call here, with its query count
pinned in tests/test_query_counts.py whatever the number of stories, and the page-cache tags
of everything it shows (the vocabulary of news.touches), so a kept answer is always the
answer a fresh read would give."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Q

from dateline.api import cursor as cursors
from dateline.news import labelled
from dateline.news.models import Article, Author, Section, Status, Tag, Topic
from dateline.news.selectors import Site, collection_articles, site_context
from dateline.search.backends import backend
from dateline.search.query import parse
from dateline.search.selectors import matching_stories
from dateline.syndication import selectors as syndication
from dateline.syndication.selectors import Story

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
# The curated lists the API shows, by their key (news.services.COLLECTION_TITLES).
LISTS = ("lead", "top", "dont-miss")


class NotFound(LookupError):
    """A filter names a section, tag, topic or author that does not exist."""


@dataclass
class StoryList:
    site: Site
    stories: list[Article]
    next_cursor: str | None
    deps: set[str] = field(default_factory=set)


def teaser_deps(articles) -> set[str]:
    """What a teaser in the API shows: the story's teaser fields, its section's name and
    its lead picture whole (caption and credit too)."""
    deps: set[str] = set()
    for a in articles:
        deps.add(f"article:{a.pk}:teaser")
        if a.section_id:
            deps.add(f"section:{a.section_id}")
        if a.lead_picture_id:
            deps.add(f"picture:{a.lead_picture_id}")
    return deps


def _subject(model, **lookup):
    found = model.objects.filter(**lookup).only("pk").first()
    if found is None:
        raise NotFound(f"No {model._meta.verbose_name} {'/'.join(lookup.values())!r}.")
    return found


def story_list(
    *,
    section: str | None = None,
    tag: str | None = None,
    topic: str | None = None,
    author: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> StoryList:
    """Visible stories, newest first, one page after `cursor`: a keyset read on
    (published_at, id), no COUNT and no OFFSET, so any page costs what the first does.
    One query, plus one per label named in a filter. With `q`, only the stories whose text
    matches it (the search app's words, "phrases", -words and `or`), still newest first:
    the match is a subquery of that one query, so `q` costs no query of its own."""
    site = site_context(now)
    after = cursors.decode(cursor) if cursor else None
    # One upper bound on published_at, the earlier of now and the cursor's: given both,
    # SQLite walked from now down to the cursor (a deep page at 200,000 stories: 246 ms).
    upto = min(site.now, after[0]) if after else site.now
    queryset = Article.objects.published(upto).for_listing()
    if q is not None:
        matching = stories_matching(q)
        if matching is None:
            # Nothing to look for (punctuation only): no story, as the search page says.
            return StoryList(site, [], None, {"settings"})
    deps = {"settings"}
    lists: set[str] = set()
    if section:
        s = _subject(Section, slug=section)
        queryset = queryset.filter(section=s)
        lists.add(f"stories:section:{s.pk}")
    labels = []
    if tag:
        labels.append(("tag", "tags", _subject(Tag, slug=tag)))
    if topic:
        kind, _, slug = topic.partition("/")
        labels.append(("topic", "topics", _subject(Topic, kind=kind, slug=slug)))
    if author:
        labels.append(("author", "authors", _subject(Author, slug=author)))
    for kind, _, label in labels:
        lists.add(f"stories:{kind}:{label.pk}")
    if q is not None:
        page = _Page(upto, after, s.pk if section else None, labels, since, until, limit + 1)
        queryset = queryset.filter(newest_matching(q, page))
    # A story in every filtered list is in each of them: a change to the result bumps
    # each list's tag. Without a filter, the site's list.
    deps |= lists or {"stories"}
    if len(labels) == 1 and not (section or since or until or q is not None):
        # One label alone: its page is read from the label's link rows, by the index on
        # (label, published_at, story) from the cursor on, a page at most (news/labelled.py).
        # Joined and sorted instead, a tag of a million-story archive read 50,000 rows.
        kind, _, label = labels[0]
        bound = ("<", *after) if after else None
        ids = labelled.story_ids(kind, label.pk, site.now, limit=limit + 1, after=bound)
        queryset = queryset.filter(pk__in=ids)
    else:
        for _, field, label in labels:
            queryset = queryset.filter(**{field: label})
        if since is not None:
            queryset = queryset.filter(published_at__gte=since)
        if until is not None:
            queryset = queryset.filter(published_at__lt=until)
        if after:
            at, pk = after
            # The plain bound (`upto`, above) makes both databases read the (status,
            # published_at) index from the cursor on; the OR alone made SQLite walk it from
            # the newest story.
            queryset = queryset.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    rows = list(queryset.order_by("-published_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = cursors.encode(rows[-1].published_at, rows[-1].pk) if more else None
    return StoryList(site, rows, next_cursor, deps | teaser_deps(rows))


def stories_matching(q: str):
    """`q` as the search app reads it: a condition `pk__in=` takes (every story whose text
    matches, unranked; visibility is the list's own), or None when `q` has no word to look
    for. The same parse and index as /search/, on either engine."""
    return matching_stories(q)


@dataclass(frozen=True)
class _Page:
    """What bounds one page of a listing: its visibility (`upto`), cursor and filters."""

    upto: dt.datetime
    after: tuple[dt.datetime, int] | None
    section_id: int | None
    labels: list
    since: dt.datetime | None
    until: dt.datetime | None
    size: int


# Time windows back from the page's upper bound, as the search page's newest-first read
# (search/backends/postgres.py): PostgreSQL runs the next branch of the UNION only while
# the page is short, and plans each window by itself.
_WINDOW_DAYS = [2, 7, 31, 366]


def newest_matching(q: str, page: _Page):
    """A condition on the stories, that they are among the page's matches of `q`, newest
    first, a page at most, with the page's cursor and every filter on the search document.
    SQLite reads them as its search page sorted newest does (search/backends/sqlite.py,
    NEWEST_SQL): given every match (`pk IN (matches)`), it read all of a common word's
    stories for a page (3.6 s at 200,000 stories)."""
    if connection.vendor == "postgresql":
        return _newest_matching_pg(q, page)
    from django.db.models.expressions import RawSQL

    from dateline.search.selectors import _positional

    where, where_params = _document_conditions(page)
    adapt = connection.ops.adapt_datetimefield_value
    named = {}
    for n, value in enumerate(where_params):
        named[f"w{n}"] = adapt(value) if isinstance(value, dt.datetime) else value
    where_sql = " AND ".join(where)
    for n in range(len(where_params)):
        where_sql = where_sql.replace("%s", f"%(w{n})s", 1)
    sql, params = backend().newest_matching_sql(parse(q), where_sql, named, page.size)
    sql, positional = _positional(f'"{Article._meta.db_table}"."id" IN ({sql})', params)
    return RawSQL(sql, positional, output_field=BooleanField())


def _newest_matching_pg(q: str, page: _Page):
    """PostgreSQL: a condition on the stories, that they are among the page's matches of
    `q` (newest first, a page at most), found window by window on the search documents,
    with the page's cursor and every filter on the document row. Given every match
    (`pk IN (matches)`), the planner chose between the word's GIN index and the
    newest-first walk by its estimate of how many stories hold the words; a word it took
    for common but held by one story of 500,011 walked them all (8.9 s). In a window,
    neither plan reads more than the window."""
    from django.db.models.expressions import RawSQL

    match_sql, match_params = backend().matching_sql(parse(q))
    names = re.findall(r"%\((\w+)\)s", match_sql)
    match_sql = re.sub(r"%\((\w+)\)s", "%s", match_sql)
    where, where_params = _document_conditions(page)
    branches, params = [], []
    newer = None
    for age in [*_WINDOW_DAYS, None]:
        window, window_params = [], []
        if newer is not None:
            window.append(f"d.recency_at <= %s - interval '{newer} days'")
            window_params.append(page.upto)
        if age is not None:
            window.append(f"d.recency_at > %s - interval '{age} days'")
            window_params.append(page.upto)
        conditions = " AND ".join([*where, *window])
        branches.append(
            f"({match_sql} AND {conditions} ORDER BY d.recency_at DESC, d.article_id DESC)"
        )
        params += [match_params[n] for n in names] + where_params + window_params
        newer = age
    # The page's ids first, once (an array, then the stories by primary key): as
    # `id IN (…)` the planner may walk the stories and run the windows again for each.
    sql = (
        f'"{Article._meta.db_table}"."id" = ANY(ARRAY('
        f"SELECT w.article_id FROM ({' UNION ALL '.join(branches)}) w LIMIT %s))"
    )
    return RawSQL(sql, [*params, page.size], output_field=BooleanField())


def _document_conditions(page: _Page) -> tuple[list[str], list]:
    """The listing's conditions on the search document `d` (a published story's recency_at
    is its published_at) and on its story's label links."""
    where = ["d.status = %s", "d.recency_at <= %s"]
    params: list = [Status.PUBLISHED, page.upto]
    if page.after:
        where.append("(d.recency_at, d.article_id) < (%s, %s)")
        params += list(page.after)
    if page.section_id is not None:
        where.append("d.section_id = %s")
        params.append(page.section_id)
    for kind, field_name, label in page.labels:
        links = Article._meta.get_field(field_name).remote_field.through._meta.db_table
        where.append(
            f"EXISTS (SELECT 1 FROM {links} r WHERE r.article_id = d.article_id "
            f"AND r.{kind}_id = %s)"
        )
        params.append(label.pk)
    if page.since is not None:
        where.append("d.recency_at >= %s")
        params.append(page.since)
    if page.until is not None:
        where.append("d.recency_at < %s")
        params.append(page.until)
    return where, params


@dataclass
class StoryDetail:
    site: Site
    story: Story
    deps: set[str]


def story_detail(
    *, pk: int | None = None, slug: str | None = None, now: dt.datetime | None = None
) -> StoryDetail | None:
    """One visible story whole, by id or by address: the story row, its labels (three
    queries), its pictures and the stories its body links to (one each when it has any)."""
    site = site_context(now)
    visible = Article.objects.published(site.now)
    visible = visible.filter(pk=pk) if pk is not None else visible.filter(slug=slug)
    article = syndication.with_labels(visible).first()
    if article is None:
        return None
    story = syndication.stories([article], site.now)[0]
    return StoryDetail(site, story, {"settings"} | syndication.story_deps(story))


@dataclass
class CuratedList:
    site: Site
    key: str
    stories: list[Article]
    deps: set[str]


def curated_list(*, key: str, now: dt.datetime | None = None) -> CuratedList:
    """A curated list's visible stories in the editors' order (one query)."""
    site = site_context(now)
    stories = collection_articles(key, site.now)
    return CuratedList(site, key, stories, {"settings", f"list:{key}"} | teaser_deps(stories))


@dataclass
class LabelList:
    kind: str
    labels: list
    next_cursor: str | None
    deps: set[str]


_LABELS = {"section": Section, "author": Author, "tag": Tag, "topic": Topic}
_LABEL_COLUMNS = {
    "section": ("pk", "name", "slug"),
    "author": ("pk", "name", "slug"),
    "tag": ("pk", "name", "slug"),
    "topic": ("pk", "name", "slug", "kind"),
}


def label_list(*, kind: str, after: int | None = None, limit: int = PAGE_SIZE_MAX) -> LabelList:
    """Every section, author, tag or topic, by id, a page after `after` (one query): its
    tag `labels:<kind>` is bumped by any creation, rename or deletion (news.touches)."""
    queryset = _LABELS[kind].objects.only(*_LABEL_COLUMNS[kind]).order_by("pk")
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = str(rows[-1].pk) if more else None
    return LabelList(kind, rows, next_cursor, {f"labels:{kind}"})
