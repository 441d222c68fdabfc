"""Newsroom actions: every change of workflow or publication state is one of these named
functions, used by the newsroom screens, the CLI and any later API. Each checks who may do
it and from which state, runs in one transaction, and writes an audit entry."""

from __future__ import annotations

from django.db import transaction

from dateline.news import services as news
from dateline.news.body import BodyRefused, sanitize
from dateline.news.models import Article, Revision, Status
from dateline.newsroom import events
from dateline.newsroom.actions.base import (  # noqa: F401 (the names callers import)
    EDITORS,
    ActionRefused,
    _audit,
    _locked,
    _require,
    _require_own,
    _require_version,
    workflow_of,
)
from dateline.newsroom.actions.publication import (  # noqa: F401
    TakenDown,
    _announce,
    article_correct,
    article_delete,
    article_edit,
    article_publish,
    article_schedule,
    article_unpublish,
    article_withdraw,
)
from dateline.newsroom.actors import is_person
from dateline.newsroom.models import Workflow, WorkflowState
from dateline.newsroom.roles import Role


@transaction.atomic
def article_submit(*, article: Article, by) -> Workflow:
    """A writer sends a draft to the editors."""
    _require(by, {Role.WRITER, *EDITORS}, "submit a story")
    article, workflow = _locked(article)
    _require_own(by, article, "submit it")
    if workflow.state != WorkflowState.DRAFT:
        raise ActionRefused(f"The story is {workflow.get_state_display().lower()}, not a draft.")
    if article.status != Status.DRAFT:
        # A live story changes through a proposal (article_propose), a withdrawn one not
        # at all: review of the story as it stands would approve nothing.
        raise ActionRefused(f"The story is {article.get_status_display().lower()}, not a draft.")
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
    try:
        revision = _proposal_file(
            article, workflow, by=by, headline=headline, standfirst=standfirst, body=body
        )
    except BodyRefused as exc:
        raise ActionRefused(f"This text cannot be saved: {exc}.") from None
    _audit(by, "propose", article, base_version=article.version)
    return revision


def _proposal_file(
    article: Article, workflow: Workflow, *, by, headline: str, standfirst: str, body: str
) -> Revision:
    """File a pending revision of a story for review (one at a time: a new one replaces
    the last). The caller holds the row locks and writes the audit entry."""
    Revision.objects.filter(article=article, pending=True).delete()
    revision = Revision.objects.create(
        article=article,
        version=article.version,
        headline=headline.strip()[:300],
        standfirst=standfirst.strip(),
        body=sanitize(body),
        saved_by=by if is_person(by) else None,
        pending=True,
    )
    workflow.state = WorkflowState.IN_REVIEW
    workflow.save()
    return revision


@transaction.atomic
def article_approve(*, article: Article, by, expected_version: int | None = None) -> Workflow:
    """Approve a story in review (as of `expected_version`, the version the editor read,
    when given); a proposed change to a live story goes live now."""
    _require(by, EDITORS, "approve a story")
    article, workflow = _locked(article)
    _require_version(article, expected_version, "approve it")
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
        with news._through_door():
            news.article_save(
                article=article, expected_version=article.version, by=proposal.saved_by
            )
    workflow.state = WorkflowState.APPROVED
    workflow.save()
    _audit(by, "approve", article, applied_proposal=proposal is not None)
    if proposal is not None and article.is_visible:
        _announce(events.STORY_UPDATED, article, by)
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
    if note.strip():
        # The reason goes in the story's thread too, where the writer answers it.
        from dateline.newsroom.actions.notes import _note_file

        _note_file(article, by, note.strip()[:5000], "return")
    _audit(by, "return", article, note=note)
    return workflow


ACTIONS = {
    "submit": article_submit,
    "approve": article_approve,
    "return": article_return,
    "publish": article_schedule,
    "schedule": article_schedule,
    "unpublish": article_unpublish,
    "correct": article_correct,
}


CURATED_LISTS = ("lead", "top", "dont-miss")


@transaction.atomic
def front_curate(*, key: str, articles: list[Article], by, title: str | None = None) -> None:
    """Set a front-page list (lead, top stories, Don't Miss) in order. Pinned stories beat
    automatic fill; the front page never shows a story twice (news.selectors.front_page)."""
    _require(by, EDITORS, "curate the front page")
    if key not in CURATED_LISTS:
        raise ActionRefused(f"{key!r} is not a front-page list ({', '.join(CURATED_LISTS)}).")
    if any(a.status == Status.PLACEHOLDER for a in articles):
        raise ActionRefused("Only real stories can be pinned.")
    try:
        with news._through_door():
            news.collection_set(key=key, articles=articles, title=title)
    except news.CurationError as exc:
        raise ActionRefused(str(exc)) from exc
    _audit(by, "curate", None, list=key, articles=[a.pk for a in articles])
