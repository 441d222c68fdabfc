"""The story list at /newsroom/: every story the desk has, with its state, section,
authors, who has it now and when it last changed; filtered, searched, sorted and paged
by keyset, in a fixed number of queries a page, each served by an index.

A page is addressed by where it starts (`?older=<cursor>` for the stories after the
cursor in the list's order, `?newer=<cursor>` for those before it), as the public
listings are (news.selectors), so a page costs the same at the millionth story as at
the first. A search (`q`) goes through the search app's index, drafts included, and is
paged by its own cursor (`?at=`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, Prefetch
from django.db.models.expressions import RawSQL

from dateline.core import clock
from dateline.news.models import Article, Author, Publication, Status
from dateline.news.selectors import Cursor
from dateline.newsroom.models import Presence, Workflow, WorkflowState
from dateline.newsroom.offer import DeskState, actions_offered, desk_state
from dateline.newsroom.presence import WINDOW
from dateline.newsroom.roles import Role, roles_of

PAGE_SIZE = 50

# sort name: (column, newest first?)
SORTS = {
    "changed": ("modified_at", True),
    "published": ("published_at", True),
    # Today's view: in time order, what went live first at the top.
    "time": ("published_at", False),
}

VIEWS = ("needs-me", "today")


@dataclass(frozen=True)
class DeskFilters:
    state: str = ""
    section: int | None = None
    author: int | None = None
    mine: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""
    sort: str = "changed"
    view: str = ""

    @classmethod
    def from_query(cls, data) -> DeskFilters:
        """The filters a query string asks for; anything malformed is left out."""

        def number(name):
            try:
                return int(data.get(name, ""))
            except ValueError:
                return None

        def day(name):
            try:
                return dt.date.fromisoformat(data.get(name, ""))
            except ValueError:
                return None

        state = data.get("state", "")
        view = data.get("view", "")
        sort = data.get("sort", "")
        if view == "today":
            sort = "time"
        elif sort not in ("changed", "published"):
            sort = "changed"
        return cls(
            state=state if state in DeskState._value2member_map_ else "",
            section=number("section"),
            author=number("author"),
            mine=data.get("mine", "") == "1",
            since=day("from"),
            until=day("to"),
            q=data.get("q", "").strip()[:200],
            sort=sort,
            view=view if view in VIEWS else "",
        )

    def query(self, **changes) -> str:
        """This list's query string, with `changes` (a cursor, say) on top."""
        f = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        pairs = {
            "view": f.view,
            "q": f.q,
            "state": f.state,
            "section": f.section or "",
            "author": f.author or "",
            "mine": "1" if f.mine else "",
            "from": f.since.isoformat() if f.since else "",
            "to": f.until.isoformat() if f.until else "",
            "sort": f.sort if f.sort != "changed" and f.view != "today" else "",
        }
        pairs |= {k: v for k, v in changes.items() if k not in self.__dataclass_fields__}
        return urlencode({k: v for k, v in pairs.items() if v not in ("", None)})


@dataclass
class Row:
    article: Article
    workflow: Workflow | None
    state: DeskState
    authors: list[Author]
    holder: str  # who has it now, in words
    changed_at: dt.datetime
    offers: list = field(default_factory=list)


@dataclass
class DeskPage:
    rows: list[Row]
    filters: DeskFilters
    newer: str | None  # query string of the page before, None at the top
    older: str | None  # of the page after, None at the end
    zone: object
    now: dt.datetime


def _day_start(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def _row_compare(column: str, op: str, cursor: Cursor):
    """(column, id) op (cursor): one row comparison, so the database starts its walk
    through the index ending in that pair at the cursor."""
    table = connection.ops.quote_name(Article._meta.db_table)
    sql = f"({table}.{column}, {table}.id) {op} (%s, %s)"
    at = connection.ops.adapt_datetimefield_value(cursor.published_at)
    return RawSQL(sql, (at, cursor.pk), output_field=BooleanField())


def _ids_sql(sql: str, params: list):
    table = connection.ops.quote_name(Article._meta.db_table)
    return RawSQL(f"{table}.id IN ({sql})", params, output_field=BooleanField())


def _state_filter(queryset, state: str, now: dt.datetime):
    """Each desk state as conditions the article and workflow rows answer (the list's
    indexes lead with status)."""
    published = {"status": Status.PUBLISHED}
    wf = "workflow__state"
    match state:
        case DeskState.WITHDRAWN:
            return queryset.filter(status=Status.WITHDRAWN)
        case DeskState.SCHEDULED:
            return queryset.filter(**published, published_at__gt=now)
        case DeskState.LIVE:
            return queryset.filter(**published, published_at__lte=now).exclude(
                **{wf: WorkflowState.IN_REVIEW}
            )
        case DeskState.LIVE_PENDING:
            return queryset.filter(**published, published_at__lte=now, **{wf: "in_review"})
        case DeskState.IN_REVIEW:
            return queryset.filter(status=Status.DRAFT, **{wf: WorkflowState.IN_REVIEW})
        case DeskState.UNPUBLISHED:
            return queryset.filter(status=Status.DRAFT, workflow__taken_down=True).exclude(
                **{wf: WorkflowState.IN_REVIEW}
            )
        case DeskState.APPROVED:
            return queryset.filter(
                status=Status.DRAFT, workflow__taken_down=False, **{wf: WorkflowState.APPROVED}
            )
        case DeskState.DRAFT:
            # A story without a workflow row is a draft (the row is made on first action).
            return (
                queryset.filter(status=Status.DRAFT)
                .exclude(**{f"{wf}__in": [WorkflowState.IN_REVIEW, WorkflowState.APPROVED]})
                .exclude(workflow__taken_down=True)
            )
    return queryset


def _needs_me(queryset, user):
    """My drafts (those sent back to me among them), what waits for my review if I edit,
    and what is assigned to me: one id set, each part read through its own index."""
    parts = [
        "SELECT a.id FROM news_article a LEFT JOIN newsroom_workflow w ON w.article_id = a.id "
        "WHERE a.created_by_id = %s AND a.status = 'draft' "
        "AND (w.state IS NULL OR w.state = 'draft')",
        "SELECT article_id FROM newsroom_workflow WHERE assigned_to_id = %s",
    ]
    params: list = [user.pk, user.pk]
    if roles_of(user) & {Role.EDITOR, Role.ADMIN}:
        parts.append("SELECT article_id FROM newsroom_workflow WHERE state = 'in_review'")
    return queryset.filter(_ids_sql(" UNION ".join(parts), params))


def _mine(queryset, user):
    """The stories I started (what is assigned to me is under Needs me): a walk of the
    (created_by, modified_at, id) index."""
    return queryset.filter(created_by=user)


def _selected(user, filters: DeskFilters, now: dt.datetime, zone):
    stories = Article.objects.exclude(status=Status.PLACEHOLDER)
    if filters.view == "needs-me":
        stories = _needs_me(stories, user)
    elif filters.view == "today":
        stories = stories.filter(
            status=Status.PUBLISHED, published_at__gte=_day_start(now.astimezone(zone).date(), zone)
        )
    if filters.state:
        stories = _state_filter(stories, filters.state, now)
    if filters.section:
        stories = stories.filter(section_id=filters.section)
    if filters.author:
        stories = stories.filter(
            _ids_sql(
                "SELECT article_id FROM news_article_authors WHERE author_id = %s",
                [filters.author],
            )
        )
    if filters.mine:
        stories = _mine(stories, user)
    column = SORTS[filters.sort][0]
    if filters.since:
        stories = stories.filter(**{f"{column}__gte": _day_start(filters.since, zone)})
    if filters.until:
        until = _day_start(filters.until + dt.timedelta(days=1), zone)
        stories = stories.filter(**{f"{column}__lt": until})
    if column == "published_at":
        stories = stories.filter(published_at__isnull=False)
    return stories


def _listed(stories):
    """What a row shows, and nothing more (no body), in one query with the section, the
    workflow and its assignee; the authors in a second."""
    return (
        stories.select_related("section", "workflow", "workflow__assigned_to", "created_by")
        .only(
            "pk",
            "headline",
            "slug",
            "status",
            "published_at",
            "modified_at",
            "version",
            "created_by__username",
            "section__name",
            "section__slug",
            "workflow__state",
            "workflow__changed_at",
            "workflow__taken_down",
            "workflow__assigned_to__username",
        )
        .prefetch_related(Prefetch("authors", queryset=Author.objects.only("pk", "name", "slug")))
    )


def _window(stories, filters: DeskFilters, cursor: Cursor | None, forward: bool) -> list[Article]:
    column, descending = SORTS[filters.sort]
    down = descending == forward  # walking towards smaller keys
    if cursor is not None:
        stories = stories.filter(_row_compare(column, "<" if down else ">", cursor))
    order = (f"-{column}", "-pk") if down else (column, "pk")
    return list(_listed(stories).order_by(*order)[: PAGE_SIZE + 1])


def _cursor(article: Article, filters: DeskFilters) -> str:
    column = SORTS[filters.sort][0]
    return Cursor(getattr(article, column), article.pk).token


def _searched(user, filters: DeskFilters, at: str, now: dt.datetime, zone):
    """A search through the search index (drafts too), best match first or newest."""
    from dateline.search.backends import Filters
    from dateline.search.query import parse
    from dateline.search.selectors import Sort, Visibility, search_stories

    status = None
    if filters.state in (DeskState.SCHEDULED, DeskState.LIVE, DeskState.LIVE_PENDING):
        status = Status.PUBLISHED
    elif filters.state == DeskState.WITHDRAWN:
        status = Status.WITHDRAWN
    elif filters.state:
        status = Status.DRAFT
    results = search_stories(
        parse(filters.q, prefix=True),
        visibility=Visibility.NEWSROOM,
        filters=Filters(
            section_id=filters.section,
            author_id=filters.author,
            status=status,
            published_from=_day_start(filters.since, zone) if filters.since else None,
            published_before=(
                _day_start(filters.until + dt.timedelta(days=1), zone) if filters.until else None
            ),
        ),
        sort=Sort.NEWEST if filters.sort == "published" else Sort.BEST,
        cursor=at or None,
        limit=PAGE_SIZE,
        now=now,
        suggest=False,
    )
    stories = [h.article for h in results.hits]
    # The rows' own fields the search's query did not fetch, in two queries for the page.
    if stories:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(
            stories,
            Prefetch("authors", queryset=Author.objects.only("pk", "name", "slug")),
        )
        people = {
            w.pk: w
            for w in Workflow.objects.filter(pk__in=[a.pk for a in stories])
            .select_related("assigned_to", "article__created_by")
            .only("pk", "assigned_to__username", "article__created_by__username")
        }
        for a in stories:
            w = people.get(a.pk)
            a._desk_assignee = w.assigned_to if w else None
            a._desk_writer = w.article.created_by if w else None
    if filters.state:
        stories = [a for a in stories if desk_state(a, _workflow(a), now) == filters.state]
    newer = filters.query(at=results.previous_cursor) if results.previous_cursor else None
    older = filters.query(at=results.next_cursor) if results.next_cursor else None
    return stories, newer, older


def _workflow(article: Article) -> Workflow | None:
    try:
        return article.workflow
    except Workflow.DoesNotExist:
        return None


def _holders(articles: list[Article], user, now: dt.datetime) -> dict[int, list[str]]:
    """Who else has each story open now (presence), in one query for the page."""
    if not articles:
        return {}
    seen = (
        Presence.objects.filter(article_id__in=[a.pk for a in articles], seen_at__gte=now - WINDOW)
        .exclude(user=user)
        .select_related("user")
        .only("article_id", "user__username", "seen_at")
        .order_by("-seen_at")
    )
    found: dict[int, list[str]] = {}
    for p in seen:
        found.setdefault(p.article_id, []).append(p.user.get_username())
    return found


def _holder(article: Article, workflow: Workflow | None, state: DeskState, open_by) -> str:
    if open_by:
        return "Open by " + ", ".join(open_by)
    assignee = getattr(article, "_desk_assignee", None)
    if assignee is None and workflow is not None and workflow.assigned_to_id:
        assignee = workflow.assigned_to
    if assignee is not None:
        return f"Assigned to {assignee.get_username()}"
    if state == DeskState.IN_REVIEW or state == DeskState.LIVE_PENDING:
        return "The editors"
    if hasattr(article, "_desk_writer"):  # a search's row: fetched beside it
        writer = article._desk_writer
    else:
        writer = article.created_by if article.created_by_id else None
    if writer is not None and state in (DeskState.DRAFT, DeskState.APPROVED):
        return writer.get_username()
    return ""


def desk_page(user, filters: DeskFilters, *, older: str = "", newer: str = "", at: str = ""):
    """One page of the story list for `user`; None when a cursor is malformed."""
    now = clock.now()
    zone = Publication.load().zone
    if filters.q:
        stories, newer_link, older_link = _searched(user, filters, at, now, zone)
    else:
        selected = _selected(user, filters, now, zone)
        token = newer or older
        cursor = Cursor.parse(token) if token else None
        if token and cursor is None:
            return None
        if newer:
            found = _window(selected, filters, cursor, forward=False)
            stories = found[:PAGE_SIZE][::-1]
            more_above = len(found) > PAGE_SIZE
            newer_link = filters.query(newer=_cursor(stories[0], filters)) if more_above else None
            older_link = filters.query(older=_cursor(stories[-1], filters)) if stories else None
        else:
            found = _window(selected, filters, cursor, forward=True)
            stories = found[:PAGE_SIZE]
            older_link = (
                filters.query(older=_cursor(stories[-1], filters))
                if len(found) > PAGE_SIZE
                else None
            )
            newer_link = (
                filters.query(newer=_cursor(stories[0], filters))
                if cursor is not None and stories
                else None
            )
    open_by = _holders(stories, user, now)
    rows = []
    for article in stories:
        workflow = _workflow(article)
        state = desk_state(article, workflow, now)
        changed = article.modified_at
        if workflow is not None and workflow.changed_at and workflow.changed_at > changed:
            changed = workflow.changed_at
        rows.append(
            Row(
                article=article,
                workflow=workflow,
                state=state,
                authors=list(article.authors.all()),
                holder=_holder(article, workflow, state, open_by.get(article.pk)),
                changed_at=changed,
                offers=actions_offered(user, article, workflow, now=now),
            )
        )
    return DeskPage(rows, filters, newer_link, older_link, zone, now)
