"""Newsroom actions: every change of workflow or publication state is one of these named
functions, used by the newsroom screens, the CLI and any later API. Each checks who may do
it and from which state, runs in one transaction, and writes an audit entry."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dateline.core import clock
from dateline.news import services as news
from dateline.news.body import sanitize
from dateline.news.models import Article, Revision, Status
from dateline.newsroom.models import AuditEntry, Workflow, WorkflowState
from dateline.newsroom.preflight import blocking, preflight
from dateline.newsroom.roles import Role, roles_of

EDITORS = {Role.EDITOR, Role.ADMIN}


class ActionRefused(Exception):
    """The action is not allowed now; the message says why, for the person who tried."""


def workflow_of(article: Article) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(article=article)
    return workflow


def _audit(actor, action: str, article: Article, **detail) -> AuditEntry:
    return AuditEntry.objects.create(actor=actor, action=action, article=article, detail=detail)


def _require(actor, allowed: set[Role], what: str) -> None:
    if not roles_of(actor) & allowed:
        names = " or ".join(sorted(r.value for r in allowed))
        raise ActionRefused(f"Only an {names} can {what}.")


def _require_own(actor, article: Article, what: str) -> None:
    """A writer acts on their own stories only; editors on any."""
    if roles_of(actor) & EDITORS or article.created_by_id == getattr(actor, "pk", None):
        return
    raise ActionRefused(
        f"Only the story's writer or an editor can {what}: ask an editor to assign it to you."
    )


def _locked(article: Article) -> tuple[Article, Workflow]:
    # Row locks (PostgreSQL) serialise two people acting on one story at the same moment.
    article = Article.objects.select_for_update().get(pk=article.pk)
    workflow, _ = Workflow.objects.select_for_update().get_or_create(article=article)
    return article, workflow


@transaction.atomic
def article_submit(*, article: Article, by) -> Workflow:
    """A writer sends a draft to the editors."""
    _require(by, {Role.WRITER, *EDITORS}, "submit a story")
    article, workflow = _locked(article)
    _require_own(by, article, "submit it")
    if workflow.state != WorkflowState.DRAFT:
        raise ActionRefused(f"The story is {workflow.get_state_display().lower()}, not a draft.")
    if not article.headline.strip():
        raise ActionRefused("Give the story a headline before submitting it.")
    workflow.state = WorkflowState.IN_REVIEW
    workflow.save()
    _audit(by, "submit", article)
    return workflow


@transaction.atomic
def article_propose(
    *,
    article: Article,
    by,
    headline: str,
    standfirst: str,
    body: str,
    expected_version: int | None = None,
) -> Revision:
    """Propose a change to a live story. It goes through review while the published
    version stays up, and replaces it when an editor approves it."""
    _require(by, {Role.WRITER, *EDITORS}, "propose a change")
    article, workflow = _locked(article)
    _require_own(by, article, "propose a change to it")
    if not article.is_visible:
        raise ActionRefused("The story is not live: edit it directly.")
    if expected_version is not None and article.version != expected_version:
        raise ActionRefused(str(news.EditConflict(article, expected_version)))
    if not headline.strip():
        raise ActionRefused("A headline is needed.")
    # One proposal at a time: a new one replaces the last.
    Revision.objects.filter(article=article, pending=True).delete()
    revision = Revision.objects.create(
        article=article,
        version=article.version,
        headline=headline.strip(),
        standfirst=standfirst.strip(),
        body=sanitize(body),
        saved_by=by,
        pending=True,
    )
    workflow.state = WorkflowState.IN_REVIEW
    workflow.save()
    _audit(by, "propose", article, base_version=article.version)
    return revision


@transaction.atomic
def article_approve(*, article: Article, by) -> Workflow:
    """Approve a story in review; a proposed change to a live story goes live now."""
    _require(by, EDITORS, "approve a story")
    article, workflow = _locked(article)
    if workflow.state != WorkflowState.IN_REVIEW:
        raise ActionRefused("Only a story in review can be approved.")
    proposal = article.revisions.filter(pending=True).first()
    if proposal is not None:
        if proposal.version != article.version:
            raise ActionRefused(
                f"The live story changed (version {article.version}) after this proposal was "
                f"written against version {proposal.version}; compare and propose again."
            )
        article.headline = proposal.headline
        article.standfirst = proposal.standfirst
        article.body = proposal.body
        proposal.delete()
        news.article_save(article=article, expected_version=article.version, by=proposal.saved_by)
    workflow.state = WorkflowState.APPROVED
    workflow.save()
    _audit(by, "approve", article, applied_proposal=proposal is not None)
    return workflow


@transaction.atomic
def article_return(*, article: Article, by, note: str = "") -> Workflow:
    """An editor sends a story in review back to its writer."""
    _require(by, EDITORS, "send a story back")
    article, workflow = _locked(article)
    if workflow.state != WorkflowState.IN_REVIEW:
        raise ActionRefused("Only a story in review can be sent back.")
    workflow.state = WorkflowState.DRAFT
    workflow.save()
    _audit(by, "return", article, note=note)
    return workflow


@transaction.atomic
def article_schedule(*, article: Article, by, at: dt.datetime | None = None) -> Article:
    """Publish now (`at` empty) or at a future second. Editors may publish any story;
    publishing approves it."""
    _require(by, EDITORS, "publish a story")
    article, workflow = _locked(article)
    now = clock.now()
    if at is not None and at.tzinfo is None:
        raise ActionRefused("A publication time needs its time zone.")
    if at is not None and at <= now:
        raise ActionRefused("A scheduled time must be in the future; publish now instead.")
    problems = blocking(preflight(article))
    if problems:
        raise ActionRefused("Before publishing: " + " ".join(problems))
    was_live = article.is_visible
    news.article_publish(article=article, at=at or now)
    workflow.state = WorkflowState.APPROVED
    workflow.save()
    _audit(
        by, "schedule" if at else "publish", article, at=(at or now).isoformat(), was_live=was_live
    )
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by, note: str = "") -> Article:
    _require(by, EDITORS, "unpublish a story")
    article, _ = _locked(article)
    if article.status != Status.PUBLISHED:
        raise ActionRefused("The story is not published.")
    news.article_unpublish(article=article)
    _audit(by, "unpublish", article, note=note)
    return article


@transaction.atomic
def article_correct(
    *, article: Article, by, kind: str, note: str = "", expected_version: int | None = None
):
    """Save an edit to a live story as a typed change (typo, update, correction,
    clarification, retraction)."""
    _require(by, EDITORS, "correct a published story")
    if article.status != Status.PUBLISHED:
        raise ActionRefused("Only a published story is corrected; edit the draft instead.")
    try:
        correction = news.article_correct(
            article=article, kind=kind, note=note, expected_version=expected_version, by=by
        )
    except ValueError as exc:
        raise ActionRefused(str(exc)) from None
    _audit(by, "correct", article, kind=kind, note=note)
    return correction


ACTIONS = {
    "submit": article_submit,
    "approve": article_approve,
    "return": article_return,
    "publish": article_schedule,
    "schedule": article_schedule,
    "unpublish": article_unpublish,
}


CURATED_LISTS = ("lead", "top", "dont-miss")


@transaction.atomic
def front_curate(*, key: str, articles: list[Article], by) -> None:
    """Set a front-page list (lead, top stories, Don't Miss) in order. Pinned stories beat
    automatic fill; the front page never shows a story twice (news.selectors.front_page)."""
    _require(by, EDITORS, "curate the front page")
    if key not in CURATED_LISTS:
        raise ActionRefused(f"{key!r} is not a front-page list ({', '.join(CURATED_LISTS)}).")
    if any(a.status == Status.PLACEHOLDER for a in articles):
        raise ActionRefused("Only real stories can be pinned.")
    try:
        news.collection_set(key=key, articles=articles)
    except news.CurationError as exc:
        raise ActionRefused(str(exc)) from exc
    AuditEntry.objects.create(
        actor=by,
        action="curate",
        article=None,
        detail={"list": key, "articles": [a.pk for a in articles]},
    )
