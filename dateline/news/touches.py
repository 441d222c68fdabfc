"""What a change touches: the page-cache tags of every page that shows what changed,
computed in one place from the state before and the state after.

A service reads the state of what it is about to change (`story_state`, `label_state`, …),
makes the change, reads the state again, and hands both to the matching `…_touches`
function; the tags go to `pagecache.invalidate`, which bumps them after commit. A state
holds only what some public page shows, so a save that changes nothing readers can see
bumps nothing, and a story that is neither visible nor scheduled, before or after (a
draft, a placeholder), touches no public page at all.

The tag vocabulary (docs/architecture.md, "Page cache"). A page declares the tags of
every row it shows, at the grain it shows it:

  article:<id>            a story as its own page, ninjs and feed item show it
  article:<id>:teaser     what a teaser shows: headline, address, teaser text, time,
                          lead picture (front page, listings, Latest from, Don't Miss)
  article:<id>:link       what a link shows: headline and address (ALSO READ,
                          previous/next, the corrections page, an old address's 301)
  picture:<id>            a picture whole: file, crop, caption, credit, alt text
  picture:<id>:crop       what a teaser's picture shows: the file and its crop
  section:<id>, author:<id>, tag:<id>, topic:<id>
                          a label's own name and address, wherever it labels a story
  section:<id>:about, author:<id>:about
                          what only the label's own page shows: a section's description,
                          an author's bio (its meta description)
  stories                 which stories are visible, newest first (front page, site
                          feeds)
  stories:section:<id>    a section's visible stories (its listing and feeds, and every
                          article page of the section: Latest from, previous/next);
                          stories:section:none for stories without a section
  stories:tag:<id>, stories:topic:<id>, stories:author:<id>
                          the stories a label's listing and feeds show
  list:<key>              a curated list's stories and their teasers (memoised whole)
  sections                navigation: which sections, their names and order
  sections:descriptions   no page: the navigation memo, which keeps sections whole
  labels:<kind>           every section, author, tag or topic (kind singular) with its name
                          and address: the API's label lists
  sitemap:stories:<block>, sitemap:news, sitemap:sections, sitemap:topics,
  sitemap:authors         each sitemap file: which stories or labels, their addresses and
                          lastmods (and the news sitemap's headlines); the articles
                          sitemap has a file per archive block (models.archive)
  sitemap:index           the lastmod of each sitemap file
  corrections             the corrections page
  redirects               old addresses (news.Redirect) and where they point
  settings                publication settings (every page and feed)
  settings:time-zone      the time zone alone (sitemaps: their lastmods are local times)
  schedule                the next scheduled time; pages take their expiry from it
  page:<id>               a static page (dateline.pages): title, address, description, body
  footer                  the footer menu: which published pages, their titles, addresses
                          and order (every HTML page)
  sitemap:pages           the pages sitemap file
  live:<id>               a story's live coverage and its entries (its page, the live
                          fragment readers' pages poll, its live feeds)
  live                    which stories have live coverage and which are live now (a
                          memo every article page, page of teasers and feed reads;
                          dateline.live); a story going live or ending also touches its
                          `article:<id>:teaser` (its teasers say "Live")
  mostread                the Most read ranking as last refreshed (mostread/ranking.py):
                          which stories, in which order (front page, article pages)

Pictures are below news in the dependency direction: their state and touches are in
`pictures.services`, with the same vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from dateline.core import clock
from dateline.news.models import (
    Article,
    Author,
    Collection,
    CollectionItem,
    Correction,
    Publication,
    Redirect,
    Section,
    Status,
    Tag,
    Topic,
)
from dateline.news.models.archive import block_of

# What a teaser or a link shows of a story; a change to anything else readers see of it
# reaches only the pages that show it whole.
LINK_FIELDS = ("headline", "slug")
TEASER_FIELDS = (*LINK_FIELDS, "teaser_source", "lead_picture_id")
SHOWN_FIELDS = (
    *TEASER_FIELDS,
    "standfirst",
    "source_credit",
    "body",
    "updated",
    "language",
    "located",
    "social_headline",
    "social_description",
)
_STORED_FIELDS = [f for f in SHOWN_FIELDS if f != "updated"] + ["updated_at"]


def sitemap_stories(article_id: int) -> str:
    """The tag of the articles sitemap file that lists the story (one per archive block)."""
    return f"sitemap:stories:{block_of(article_id)}"


def section_stories(section_id: int | None) -> str:
    """The tag of a section's visible stories (previous/next runs among stories without a
    section too, so they have one)."""
    return f"stories:section:{section_id or 'none'}"


@dataclass(frozen=True)
class StoryState:
    """What public pages show of one story, and where."""

    pk: int
    visible: bool
    scheduled: bool
    published_at: dt.datetime | None
    section_id: int | None
    fields: dict[str, Any]
    tags: frozenset[int] = frozenset()
    topics: frozenset[int] = frozenset()
    authors: frozenset[int] = frozenset()
    lists: frozenset[str] = frozenset()
    # Has corrections readers see: the corrections page lists it while it is visible.
    corrected: bool = False
    # The stored row's status and version, read in the same query for article_save.
    status: str = ""
    version: int = 0


_RELATIONS_SQL = """
SELECT 'g', CAST(tag_id AS VARCHAR(20)) FROM news_article_tags WHERE article_id = %(id)s
UNION ALL
SELECT 't', CAST(topic_id AS VARCHAR(20)) FROM news_article_topics WHERE article_id = %(id)s
UNION ALL
SELECT 'a', CAST(author_id AS VARCHAR(20)) FROM news_article_authors WHERE article_id = %(id)s
UNION ALL
SELECT 'l', c.key FROM news_collectionitem i JOIN news_collection c ON c.id = i.collection_id
  WHERE i.article_id = %(id)s
UNION ALL
SELECT 'c', kind FROM news_correction WHERE article_id = %(id)s
"""


def story_state(
    pk: int | None, *, lock: bool = False, now: dt.datetime | None = None
) -> StoryState | None:
    """The stored state of story `pk` (two queries), or None when there is none.

    Read before a change with `lock`: the row stays locked until the change commits
    (PostgreSQL), so a save committed in between cannot add a label this change then
    takes away unseen. Every writer of a story's relations saves the story first."""
    if pk is None:
        return None
    rows = Article.objects.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    row = rows.values("status", "version", "published_at", "section_id", *_STORED_FIELDS).first()
    if row is None:
        return None
    relations: dict[str, set[str]] = {"g": set(), "t": set(), "a": set(), "l": set(), "c": set()}
    with connection.cursor() as cursor:
        cursor.execute(_RELATIONS_SQL, {"id": pk})
        for kind, value in cursor.fetchall():
            relations[kind].add(value)
    return _state(pk, row, relations, now or clock.now())


_RELATIONS_MANY_SQL = """
SELECT article_id, 'g', CAST(tag_id AS VARCHAR(20)) FROM news_article_tags
  WHERE article_id IN ({ids})
UNION ALL
SELECT article_id, 't', CAST(topic_id AS VARCHAR(20)) FROM news_article_topics
  WHERE article_id IN ({ids})
UNION ALL
SELECT article_id, 'a', CAST(author_id AS VARCHAR(20)) FROM news_article_authors
  WHERE article_id IN ({ids})
UNION ALL
SELECT i.article_id, 'l', c.key FROM news_collectionitem i
  JOIN news_collection c ON c.id = i.collection_id WHERE i.article_id IN ({ids})
UNION ALL
SELECT article_id, 'c', kind FROM news_correction WHERE article_id IN ({ids})
"""


def story_states(pks: list[int], *, now: dt.datetime | None = None) -> dict[int, StoryState]:
    """`story_state` of many stories in two queries (a batch an import just wrote)."""
    if not pks:
        return {}
    rows = {
        row["pk"]: row
        for row in Article.objects.filter(pk__in=pks).values(
            "pk", "status", "version", "published_at", "section_id", *_STORED_FIELDS
        )
    }
    relations: dict[int, dict[str, set[str]]] = {
        pk: {"g": set(), "t": set(), "a": set(), "l": set(), "c": set()} for pk in rows
    }
    ids = ", ".join(str(int(pk)) for pk in rows)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_RELATIONS_MANY_SQL.format(ids=ids))
            for pk, kind, value in cursor.fetchall():
                relations[pk][kind].add(value)
    now = now or clock.now()
    return {pk: _state(pk, row, relations[pk], now) for pk, row in rows.items()}


def _state(pk: int, row: dict, relations: dict[str, set[str]], now: dt.datetime) -> StoryState:
    at = row["published_at"]
    live = row["status"] == Status.PUBLISHED and at is not None
    # Readers see an update time only when it is later than the publication time (the
    # "Updated" line, every output's modified time): anything else shows nowhere.
    updated = row["updated_at"]
    fields = {**row, "updated": updated if updated and at and updated > at else None}
    return StoryState(
        pk=pk,
        visible=live and at <= now,
        scheduled=live and at > now,
        published_at=at,
        section_id=row["section_id"],
        fields={name: fields[name] for name in SHOWN_FIELDS},
        tags=frozenset(int(v) for v in relations["g"]),
        topics=frozenset(int(v) for v in relations["t"]),
        authors=frozenset(int(v) for v in relations["a"]),
        lists=frozenset(relations["l"]),
        corrected=bool(relations["c"] & {str(k) for k in Correction.SHOWN}),
        status=row["status"],
        version=row["version"],
    )


def _story_lists(state: StoryState) -> set[str]:
    """Every page that lists the story while it is visible."""
    return {
        "stories",
        "sitemap:index",
        sitemap_stories(state.pk),
        "sitemap:news",
        *(["sitemap:sections"] if state.section_id else []),
        *(["sitemap:topics"] if state.topics else []),
        *(["sitemap:authors"] if state.authors else []),
        section_stories(state.section_id),
        *(f"stories:tag:{pk}" for pk in state.tags),
        *(f"stories:topic:{pk}" for pk in state.topics),
        *(f"stories:author:{pk}" for pk in state.authors),
        *(f"list:{key}" for key in state.lists),
        *(["corrections"] if state.corrected else []),
    }


def _story_everywhere(state: StoryState) -> set[str]:
    """Every page that shows or lists the story while it is visible."""
    pk = state.pk
    return {f"article:{pk}", f"article:{pk}:teaser", f"article:{pk}:link", *_story_lists(state)}


def _changed(before: StoryState, after: StoryState, names: Iterable[str]) -> bool:
    return any(before.fields[n] != after.fields[n] for n in names)


def _story_edit(before: StoryState, after: StoryState) -> set[str]:
    """A story visible before and after, at the same time: what its pages show changed."""
    pk = after.pk
    tags: set[str] = set()
    placed = (before.section_id, before.tags, before.topics, before.authors) != (
        after.section_id,
        after.tags,
        after.topics,
        after.authors,
    )
    if placed or _changed(before, after, SHOWN_FIELDS):
        tags.add(f"article:{pk}")
    if _changed(before, after, TEASER_FIELDS):
        tags.add(f"article:{pk}:teaser")
        # A list is memoised with its stories' teasers.
        tags.update(f"list:{key}" for key in before.lists | after.lists)
    if _changed(before, after, LINK_FIELDS):
        tags.add(f"article:{pk}:link")
    if before.section_id != after.section_id:
        tags.update({section_stories(before.section_id), section_stories(after.section_id)})
    tags.update(f"stories:tag:{t}" for t in before.tags ^ after.tags)
    tags.update(f"stories:topic:{t}" for t in before.topics ^ after.topics)
    tags.update(f"stories:author:{a}" for a in before.authors ^ after.authors)
    # Sitemaps give each story's address and lastmod (the news sitemap its headline too),
    # and list the sections, topics and authors that have visible stories.
    if _changed(before, after, ("slug", "updated")):
        tags.update({sitemap_stories(pk), "sitemap:news"})
    if _changed(before, after, ("updated",)) or any(
        bool(x) != bool(y)
        for x, y in (
            (before.section_id, after.section_id),
            (before.topics, after.topics),
            (before.authors, after.authors),
        )
    ):
        # The index gives each file's newest change: the story's own, or, for the
        # sections, topics and authors files, that of the newest story with any.
        tags.add("sitemap:index")
    if _changed(before, after, ("headline",)):
        tags.add("sitemap:news")
    if before.section_id != after.section_id:
        tags.add("sitemap:sections")
    if before.topics != after.topics:
        tags.add("sitemap:topics")
    if before.authors != after.authors:
        tags.add("sitemap:authors")
    if before.corrected != after.corrected:
        tags.update({"corrections", f"article:{pk}"})
    return tags


def story_touches(before: StoryState | None, after: StoryState | None) -> set[str]:
    """Tags of the pages a story's change reaches; `None` is "no such story" (created,
    deleted)."""
    tags: set[str] = set()
    when_before = before.published_at if before is not None and before.scheduled else None
    when_after = after.published_at if after is not None and after.scheduled else None
    if when_before != when_after:
        tags.add("schedule")
    shown_before = before is not None and before.visible
    shown_after = after is not None and after.visible
    if shown_before and shown_after and before.published_at == after.published_at:
        tags |= _story_edit(before, after)
    else:
        # Into view, out of view, or moved in time: every list it was or is in changes.
        for state in (before, after):
            if state is not None and state.visible:
                tags |= _story_everywhere(state)
    if after is not None and after.scheduled:
        # Nothing will be written when its time comes: the pages that will list it must be
        # rendered again now, so that they take that time as their expiry. Pages that
        # already did (scheduled for the same time, same lists) need not.
        done = (
            _story_everywhere(before)
            if before is not None and before.scheduled and when_before == when_after
            else set()
        )
        tags |= _story_everywhere(after) - done
    return tags


# Labels: sections, authors, tags and topics.

LabelModel = Section | Author | Tag | Topic
_LABEL_KINDS = {Section: "section", Author: "author", Tag: "tag", Topic: "topic"}
# What a page shows of each: a label's name and address; a section's place in navigation.
# Tags have no sitemap.
_LABEL_SITEMAPS = {
    "section": "sitemap:sections",
    "topic": "sitemap:topics",
    "author": "sitemap:authors",
}
_LABEL_FIELDS = {
    "section": ("name", "slug"),
    "author": ("name", "slug"),
    "tag": ("name", "slug"),
    "topic": ("name", "slug", "kind"),
}
_NAVIGATION_FIELDS = ("name", "slug", "position", "in_navigation")
# What only the label's own page shows (its meta description).
_OWN_PAGE_FIELDS = {"section": ("description",), "author": ("bio",)}
# The site context's memo of the navigation's sections, which a section's page reads its
# description from: refreshed when one changes, without making every page cold.
SECTION_DESCRIPTIONS = "sections:descriptions"


@dataclass(frozen=True)
class LabelState:
    kind: str
    pk: int
    fields: dict[str, Any]
    # Labels a visible story: it has a listing in the sitemaps, and stories that move
    # when it goes.
    listed: bool
    navigation: dict[str, Any] = field(default_factory=dict)
    own_page: dict[str, Any] = field(default_factory=dict)


def about(kind: str, pk: int) -> str:
    """The tag of what only a label's own page shows of it."""
    return f"{kind}:{pk}:about"


def label_state(model: type[LabelModel], pk: int | None) -> LabelState | None:
    if pk is None:
        return None
    kind = _LABEL_KINDS[model]
    names = set(_LABEL_FIELDS[kind]) | (set(_NAVIGATION_FIELDS) if kind == "section" else set())
    names |= set(_OWN_PAGE_FIELDS.get(kind, ()))
    row = model.objects.filter(pk=pk).values(*names).first()
    if row is None:
        return None
    listed = model.objects.filter(pk=pk, articles__in=Article.objects.published()).exists()
    return LabelState(
        kind=kind,
        pk=pk,
        fields={n: row[n] for n in _LABEL_FIELDS[kind]},
        listed=listed,
        navigation={n: row[n] for n in _NAVIGATION_FIELDS} if kind == "section" else {},
        own_page={n: row[n] for n in _OWN_PAGE_FIELDS.get(kind, ())},
    )


def label_touches(before: LabelState | None, after: LabelState | None) -> set[str]:
    """A label is shown only on stories: creating one touches nothing until a story has
    it (the story's save says so), except a section, which navigation shows at once."""
    state = after or before
    if state is None:
        return set()
    tags: set[str] = set()
    row = f"{state.kind}:{state.pk}"
    if before is None or after is None or before.fields != after.fields:
        tags.add(f"labels:{state.kind}")
    if before is None or after is None:
        if before is not None:
            tags.add(row)
            if before.listed and before.kind in _LABEL_SITEMAPS:
                tags.update({_LABEL_SITEMAPS[before.kind], "sitemap:index"})
                if before.kind == "section":
                    # Its stories lose their section: previous/next now runs among them.
                    tags.add(section_stories(None))
    elif before.fields != after.fields:
        tags.add(row)
        slug = {"slug", "kind"} & set(before.fields)
        if (after.listed or before.listed) and any(
            before.fields[n] != after.fields[n] for n in slug
        ):
            tags.add(_LABEL_SITEMAPS.get(state.kind, row))
    if before is not None and after is not None and before.own_page != after.own_page:
        tags.add(about(state.kind, state.pk))
        if state.kind == "section":
            tags.add(SECTION_DESCRIPTIONS)
    if state.kind == "section":
        shown = [s.navigation for s in (before, after) if s and s.navigation["in_navigation"]]
        if shown and (before is None or after is None or before.navigation != after.navigation):
            tags.add("sections")
    return tags


# Curated lists.


def collection_state(pk: int | None) -> tuple[str, tuple[int, ...]] | None:
    """A list's key and the stories it can show (published: visible or scheduled), in
    order. A draft in a list shows nowhere; when it is published, its save says so."""
    if pk is None:
        return None
    key = Collection.objects.filter(pk=pk).values_list("key", flat=True).first()
    if key is None:
        return None
    ids = (
        CollectionItem.objects.filter(collection_id=pk, article__status=Status.PUBLISHED)
        .order_by("position", "pk")
        .values_list("article_id", flat=True)
    )
    return key, tuple(ids)


def collection_touches(
    before: tuple[str, tuple[int, ...]] | None, after: tuple[str, tuple[int, ...]] | None
) -> set[str]:
    if before == after:
        return set()
    return {f"list:{state[0]}" for state in (before, after) if state is not None}


# Publication settings and old addresses.

_PUBLICATION_FIELDS = ("name", "tagline", "language", "time_zone", "logo")


def publication_state(pk: int | None) -> dict[str, Any] | None:
    if pk is None:
        return None
    return Publication.objects.filter(pk=pk).values(*_PUBLICATION_FIELDS).first()


def publication_touches(before: dict | None, after: dict | None) -> set[str]:
    if before == after:
        return set()
    tags = {"settings"}
    if (before or {}).get("time_zone") != (after or {}).get("time_zone"):
        tags.add("settings:time-zone")
    return tags


def redirect_state(pk: int | None) -> tuple[str, int] | None:
    if pk is None:
        return None
    return Redirect.objects.filter(pk=pk).values_list("old_path", "article_id").first()


def redirect_touches(before, after) -> set[str]:
    return {"redirects"} if before != after else set()


# Static pages (dateline.pages, above news: its services read the rows into these states).

PAGE_SHOWN_FIELDS = ("title", "slug", "description", "body")


@dataclass(frozen=True)
class PageState:
    """What readers see of a static page: its text while it is published, and whether the
    footer menu links it."""

    pk: int
    published: bool
    fields: dict[str, Any]
    in_footer: bool = False


def page_touches(before: PageState | None, after: PageState | None) -> set[str]:
    """A page shows on its own address, in the pages sitemap and, while the footer links
    it, in the footer of every HTML page. A draft touches nothing."""
    shown_before = before is not None and before.published
    shown_after = after is not None and after.published
    if not shown_before and not shown_after:
        return set()
    pk = (after or before).pk
    footer = (before is not None and before.in_footer) or (after is not None and after.in_footer)
    if shown_before != shown_after:
        # Into or out of view (deleted too): its address answers or stops answering, which
        # an old address's 301 to it (or to a story at that address) may have been kept on.
        return {f"page:{pk}", "sitemap:pages", "sitemap:index", "redirects"} | (
            {"footer"} if footer else set()
        )
    tags: set[str] = set()
    if before.fields != after.fields:
        # The sitemap gives its address and its time of change.
        tags |= {f"page:{pk}", "sitemap:pages", "sitemap:index"}
    if before.fields["slug"] != after.fields["slug"]:
        tags.add("redirects")
    if footer and (
        before.in_footer != after.in_footer
        or any(before.fields[n] != after.fields[n] for n in ("title", "slug"))
    ):
        tags.add("footer")
    return tags


def footer_touches(before: tuple[int, ...], after: tuple[int, ...]) -> set[str]:
    """`before`/`after`: the published pages the footer links, in order."""
    return {"footer"} if before != after else set()


def _shown(story: StoryState | None) -> bool:
    return story is not None and (story.visible or story.scheduled)


def _live_now(coverage) -> bool:
    return coverage is not None and coverage[1] is None


def live_coverage_touches(story: StoryState | None, before, after) -> set[str]:
    """A story's live coverage started, ended or started again (`before`/`after`:
    `live.services.coverage_state`: started, ended). Which stories have coverage, and
    which are live now, is read by every article page and every page of teasers, a draft's
    too once it is published: that memo is bumped whatever the story's state. A teaser of
    a story live now says so: starting or ending touches its teaser, wherever it shows."""
    if before == after:
        return set()
    went_live_or_ended = _live_now(before) != _live_now(after)
    tags = {"live"} if went_live_or_ended or (before is None) != (after is None) else set()
    if _shown(story):
        tags.add(f"live:{story.pk}")
        if went_live_or_ended:
            tags.add(f"article:{story.pk}:teaser")
    return tags


def live_entry_touches(story: StoryState | None, before, after) -> set[str]:
    """An entry of a live story added, edited, pinned or deleted (`before`/`after`:
    `live.services.entry_state`, None for none). Only the story's live pages show it: the
    page, the fragment open pages poll and the live feeds, all under `live:<id>`; a
    draft's entries show nowhere yet."""
    if before == after or not _shown(story):
        return set()
    return {f"live:{story.pk}"}


def ranking_touches(before: list[int], after: list[int]) -> set[str]:
    """The Most read block shows the ranked stories' headlines in order, not their counts:
    a refresh that changes only the counts touches nothing."""
    return {"mostread"} if before != after else set()
