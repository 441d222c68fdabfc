"""Copy from outside — wire sources, migrations, web pages — enters through one action.

`article_receive` takes a story whose fields the importer has filled from its source (a new
row, or the stored one with the source's new text) and what the source says of it (file it
as a draft, publish it, withdraw it), and decides with the same rules for every source:

- a story the desk took down stays down: the new version is kept as a proposal for the desk;
- a live story the desk has edited is not overwritten: the new version becomes a proposal;
- otherwise the text is saved (a live story's update is audited), and the story is
  published, scheduled, unpublished or withdrawn through the publication actions, as the
  actor's role allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from dateline.core import bulk, clock
from dateline.news import body as body_format
from dateline.news import services as news
from dateline.news.models import Article, Author, Status, Tag, Topic
from dateline.newsroom import events
from dateline.newsroom.actions.base import (
    EDITORS,
    ActionRefused,
    _audit,
    _audit_entry,
    _require,
    workflow_of,
)
from dateline.newsroom.actions.publication import (
    _announce,
    article_schedule,
    article_unpublish,
    article_withdraw,
)
from dateline.newsroom.actions.workflow import _proposal_file
from dateline.newsroom.models import AuditEntry, Workflow, WorkflowState
from dateline.newsroom.preflight import blocking, preflight
from dateline.newsroom.roles import Role, roles_of
from dateline.pictures.models import Picture
from dateline.search import index as search_index

# What the source asks: file the copy and leave its publication as it is (KEEP), have it
# be a draft (DRAFT: a live one is taken off), publish it (PUBLISH), withdraw it.
KEEP, DRAFT, PUBLISH, WITHDRAW = "keep", "draft", "publish", "withdraw"

# What happened to the story, for the importer's result line and the wire desk.
SAVED, HELD, PROPOSED = "saved", "held", "proposed"


@dataclass
class Received:
    article: Article
    outcome: str = SAVED
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def article_receive(
    *,
    article: Article,
    by,
    want: str = KEEP,
    published_at: dt.datetime | None = None,
    authors: Sequence[Author] | None = None,
    tags: Sequence[Tag] | None = None,
    topics: Sequence[Topic] | None = None,
    previous_section_id: int | None = None,
) -> Received:
    """Save copy from a source and set its state as the source asks (`want`), within what
    the desk allows. `by` is the source's system actor (newsroom.actors)."""
    _require(by, {Role.WIRE, *EDITORS}, "file copy")
    if want not in (KEEP, DRAFT, PUBLISH, WITHDRAW):
        raise ValueError(f"unknown state {want!r}")
    received = Received(article)
    stored = None
    workflow: Workflow | None = None
    if article.pk:
        stored = (
            Article.objects.select_for_update()
            .filter(pk=article.pk)
            .values("status", "modified_by_id", "version", "published_at")
            .first()
        )
        workflow = workflow_of(article)
    stored_status = stored["status"] if stored else None
    # Status, and a live story's time, are the publication actions' to set, below, never
    # the importer's. (A draft may carry the time it had at its source, for the desk.)
    article.status = stored_status or Status.DRAFT
    if stored_status == Status.PUBLISHED:
        article.published_at = stored["published_at"]

    if workflow is not None and workflow.taken_down:
        if want != WITHDRAW:
            _proposal_file(
                article,
                workflow,
                by=by,
                headline=article.headline,
                standfirst=article.standfirst,
                body=article.body,
            )
        _audit(by, "held", article, reason="taken down by the desk", source=article.source_version)
        _version_received(article)
        received.outcome = HELD
        received.notes.append("held: the desk took this story down; the new version waits")
        return received

    if stored_status == Status.PUBLISHED and want != WITHDRAW and stored["modified_by_id"]:
        # Someone at the desk edited the live story since it came in: the source's new
        # version must not overwrite their work, so it goes to review.
        _proposal_file(
            article,
            workflow,
            by=by,
            headline=article.headline,
            standfirst=article.standfirst,
            body=article.body,
        )
        _audit(by, "propose", article, reason="the desk edited the live story")
        _version_received(article)
        received.outcome = PROPOSED
        received.notes.append("the desk edited the live story: the new version is a proposal")
        return received

    if want == WITHDRAW:
        if stored_status is not None and stored_status != Status.WITHDRAWN:
            article_withdraw(article=article, by=by, note="withdrawn by its source")
            _version_received(article)
            article.refresh_from_db()
        return received

    # The source's text. A live story's update is public: it goes through the door, audited.
    keep_status = stored_status if stored_status == Status.PUBLISHED else None
    if keep_status == Status.PUBLISHED:
        with news._through_door():
            news.article_save(
                article=article,
                authors=authors,
                tags=tags,
                topics=topics,
                previous_section_id=previous_section_id,
            )
        _audit(by, "update", article, version=article.version, source=article.source_version)
        if article.is_visible:
            _announce(events.STORY_UPDATED, article, by)
    else:
        # A placeholder gets its text; copy its source withdrew and sends again is a draft.
        # A story's first text from its source keeps no revision: the row is its first
        # version until a later change (news.services.article_save).
        article.status = Status.DRAFT
        news.article_save(
            article=article,
            authors=authors,
            tags=tags,
            topics=topics,
            previous_section_id=previous_section_id,
            revision=stored_status not in (None, Status.PLACEHOLDER),
        )

    if want == PUBLISH:
        if not roles_of(by) & EDITORS:
            return received  # an untrusted source files drafts for the desk
        if keep_status == Status.PUBLISHED and published_at in (None, article.published_at):
            return received  # live already, at the time the source gives
        wanted_at = published_at or clock.now()
        backdate = getattr(by, "may_backdate", False)
        at = wanted_at if backdate or wanted_at > clock.now() else None
        try:
            article_schedule(article=article, by=by, at=at)
        except ActionRefused as exc:
            received.notes.append(f"kept as a draft: {exc}")
        else:
            article.refresh_from_db()
    elif want == DRAFT and keep_status == Status.PUBLISHED:
        if not roles_of(by) & EDITORS:
            # An editor published it; a source that may not publish may not take it down.
            received.notes.append("its source withholds it: it stays live for the desk to decide")
            return received
        article_unpublish(article=article, by=by, note="its source no longer publishes it")
        article.refresh_from_db()
    return received


def _version_received(article: Article) -> None:
    """The source's version is received even when its text is not saved (held, proposed,
    withdrawn): the same version sent again is then `unchanged`, not filed once more."""
    Article.objects.filter(pk=article.pk).update(source_version=article.source_version)


@dataclass
class Filed:
    """One story new to the site in a batch from a source (`articles_receive_new`): its
    row and relations, what the source asks, and when it is to go live (None: now)."""

    story: news.NewStory
    want: str = KEEP
    published_at: dt.datetime | None = None


@transaction.atomic
def articles_receive_new(*, filed: Sequence[Filed], by) -> list[Received]:
    """`article_receive` for a batch of stories the site does not have yet (no row, not even
    a placeholder: nothing the desk could have edited or taken down), in a number of
    statements that does not grow with the batch: the same role check, the same rules for
    what goes live (an untrusted source files drafts; a trusted one that may not backdate
    is held to preflight), and an audit entry for each story, written in one statement."""
    _require(by, {Role.WIRE, *EDITORS}, "file copy")
    if any(item.want not in (KEEP, DRAFT, PUBLISH) for item in filed):
        raise ValueError("articles_receive_new files copy; a withdrawal is article_receive's")
    may_publish = bool(roles_of(by) & EDITORS)
    backdate = getattr(by, "may_backdate", False)
    now = clock.now()
    wanted = [item.story.article for item in filed if item.want == PUBLISH]
    picture_ids: set[int] = set()
    if may_publish:
        for article in wanted:
            picture_ids |= body_format.references(article.body)[0]
            picture_ids |= {article.lead_picture_id} if article.lead_picture_id else set()
    pictures = Picture.objects.in_bulk(picture_ids) if picture_ids else {}
    received: list[Received] = []
    # What preflight said of stories an importer moved as they were (a 2014 post without a
    # category still goes in): kept in the audit entry, as article_schedule does.
    preflighted: list[tuple[Article, list[str]]] = []
    for item in filed:
        article = item.story.article
        article.status = Status.DRAFT
        result = Received(article)
        received.append(result)
        if item.want != PUBLISH or not may_publish:
            continue
        if not article.headline.strip():
            raise ValueError("A story needs a headline before it is published.")
        wanted_at = item.published_at or now
        at = wanted_at if backdate or wanted_at > now else now
        problems = blocking(preflight(article, pictures=pictures))
        if problems and not backdate:
            result.notes.append("kept as a draft: Before publishing: " + " ".join(problems))
            continue
        if problems:
            preflighted.append((article, problems))
        article.status = Status.PUBLISHED
        article.published_at = at
    # The batch's statements each touch every story (rows, label links, bodies): the index
    # rebuilds each story's document once, at the end, not once per statement.
    with news._through_door(), search_index.batch():
        news.articles_create(stories=[item.story for item in filed])
    live = [r.article for r in received if r.article.status == Status.PUBLISHED]
    bulk.rows_insert(
        Workflow, [Workflow(article=article, state=WorkflowState.APPROVED) for article in live]
    )
    # One entry per story, as one action per story would write, in one statement: each
    # story's own history names the actor that brought it in, and what it did.
    problems_of = {id(article): problems for article, problems in preflighted}
    entries = []
    for result in received:
        article = result.article
        if article.status == Status.PUBLISHED:
            action = "schedule" if article.published_at > now else "publish"
            detail = {"at": article.published_at.isoformat(), "was_live": False}
            if id(article) in problems_of:
                detail["preflight"] = problems_of[id(article)]
        else:
            action, detail = "receive", {"status": article.status}
        detail["source"] = article.source_version
        entries.append(_audit_entry(by, action, article, **detail))
    bulk.rows_insert(AuditEntry, entries)
    return received
