"""Publication actions: the only way a story's visibility or live text changes.

Publish (now, or at a future second), unpublish, withdraw, delete, correct a live story,
and edit a story — for people at the desk, in admin and on the command line, and for the
system actors of wire sources and importers alike. Each checks the actor's role and the
story's state, locks the row, opens the door of `news.services` for its writes, and writes
one audit entry naming the actor.

A takedown sticks: when a person unpublishes or withdraws a story, no system actor may put
it back (`Workflow.taken_down`); only a person publishing it again lifts that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from dateline.core import clock
from dateline.news import services as news
from dateline.news.models import Article, Author, Correction, Status, Tag, Topic
from dateline.newsroom import events
from dateline.newsroom.actions.base import (
    EDITORS,
    ActionRefused,
    _audit,
    _locked,
    _reopen_if_reviewed,
    _require,
    _require_own,
    _require_version,
    _reviewed_state,
)
from dateline.newsroom.actors import actor_label, is_person
from dateline.newsroom.models import Workflow, WorkflowState
from dateline.newsroom.preflight import blocking, preflight
from dateline.newsroom.roles import Role, roles_of


class TakenDown(ActionRefused):
    """The desk took the story down; its source may not put it back."""


def _announce(event: str, article: Article, by, **detail) -> None:
    """Tell the webhooks (newsroom.events). An importer moving history in (a system actor
    that may backdate) announces nothing: that is an archive arriving, not news."""
    if getattr(by, "may_backdate", False) and not is_person(by):
        return
    events.announce(event, article_id=article.pk, actor=actor_label(by), **detail)


def _refuse_if_taken_down(article, workflow, by) -> None:
    if workflow.taken_down and not is_person(by):
        raise TakenDown("The desk took this story down; only an editor can publish it again.")


@transaction.atomic
def article_schedule(
    *,
    article: Article,
    by,
    at: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Article:
    """Publish now (`at` empty) or at a future second. Editors may publish any story;
    publishing approves it, so with `expected_version` (the version on the editor's
    screen) a story saved since is refused. An importer (a system actor that may backdate)
    keeps the time the story had where it came from."""
    _require(by, EDITORS, "publish a story")
    article, workflow = _locked(article)
    _require_version(article, expected_version, "publish it")
    _refuse_if_taken_down(article, workflow, by)
    if article.is_visible and is_person(by):
        # Publishing a live story again would move its time and send it round as news;
        # a person changes a live story by correcting it. (A source's new version of its
        # own live copy still comes through here.)
        raise ActionRefused("The story is already live: correct it instead.")
    now = clock.now()
    if at is not None and at.tzinfo is None:
        raise ActionRefused("A publication time needs its time zone.")
    backdating = getattr(by, "may_backdate", False)
    if at is not None and at <= now and not backdating:
        raise ActionRefused("A scheduled time must be in the future; publish now instead.")
    findings = preflight(article)
    problems = blocking(findings)
    # A migration moves history as it was: a 2014 post without a category still goes in,
    # and the audit entry keeps what preflight would have said.
    if problems and not backdating:
        raise ActionRefused("Before publishing: " + " ".join(problems))
    was_live = article.is_visible
    when = at or now
    with news._through_door():
        news._article_set_visibility(article=article, status=Status.PUBLISHED, published_at=when)
    workflow.state = WorkflowState.APPROVED
    if is_person(by):
        workflow.taken_down = False
    workflow.save()
    detail = {"at": when.isoformat(), "was_live": was_live}
    if note:
        detail["note"] = note
    if problems:
        detail["preflight"] = problems
    _audit(by, "schedule" if when > now else "publish", article, **detail)
    if not was_live:
        # A scheduled story is told of at its second (the delivery waits until then).
        _announce(events.STORY_PUBLISHED, article, by, at=when if when > now else None)
    return article


article_publish = article_schedule


@transaction.atomic
def article_unpublish(*, article: Article, by, note: str = "") -> Article:
    """Take a live or scheduled story off the site, back to draft. When a person does it,
    it stays down whatever its source sends later."""
    _require(by, EDITORS, "unpublish a story")
    article, workflow = _locked(article)
    if article.status != Status.PUBLISHED:
        raise ActionRefused("The story is not published.")
    return _take_down(article, workflow, Status.DRAFT, by=by, action="unpublish", note=note)


def _take_down(article: Article, workflow, status: str, *, by, action: str, note: str) -> Article:
    """Move a story off the site to `status`. A person's takedown sticks: the story stays
    down whatever its source sends later (Workflow.taken_down)."""
    was_live = article.is_visible
    with news._through_door():
        news._article_set_visibility(article=article, status=status)
    if was_live:
        _announce(events.STORY_UNPUBLISHED, article, by)
    if is_person(by):
        workflow.taken_down = True
        workflow.save()
    _audit(by, action, article, note=note)
    return article


@transaction.atomic
def article_withdraw(*, article: Article, by, note: str = "") -> Article:
    """Take a story down for good (a legal problem; an agency's kill). A wire source may
    withdraw only its own copy."""
    roles = roles_of(by)
    own_source = (
        Role.WIRE in roles
        and not is_person(by)
        and getattr(by, "source", "")
        and by.source == article.source
    )
    if not own_source:
        _require(by, EDITORS, "withdraw a story")
    article, workflow = _locked(article)
    if article.status == Status.WITHDRAWN:
        raise ActionRefused("The story is already withdrawn.")
    return _take_down(article, workflow, Status.WITHDRAWN, by=by, action="withdraw", note=note)


@transaction.atomic
def article_delete(*, article: Article, by, note: str = "") -> None:
    """Delete a story for good. The audit entry keeps its headline and address, since the
    story itself is gone."""
    _require(by, EDITORS, "delete a story")
    article, _ = _locked(article)
    _audit(
        by,
        "delete",
        article,
        note=note,
        id=article.pk,
        headline=article.headline,
        path=article.get_absolute_url(),
        was_live=article.is_visible,
    )
    if article.is_visible:
        _announce(events.STORY_UNPUBLISHED, article, by)
    with news._through_door():
        news._article_delete(article=article)


@transaction.atomic
def article_correct(
    *,
    article: Article,
    by,
    kind: str,
    note: str = "",
    expected_version: int | None = None,
    authors: Sequence[Author] | None = None,
    tags: Sequence[Tag] | None = None,
    topics: Sequence[Topic] | None = None,
):
    """Save an edit to a live story as a typed change (typo, update, correction,
    clarification, retraction)."""
    _require(by, EDITORS, "correct a published story")
    if article.status != Status.PUBLISHED:
        raise ActionRefused("Only a published story is corrected; edit the draft instead.")
    try:
        with news._through_door():
            correction = news.article_correct(
                article=article,
                kind=kind,
                note=note,
                expected_version=expected_version,
                by=by if is_person(by) else None,
                authors=authors,
                tags=tags,
                topics=topics,
            )
    except news.EditConflict as exc:
        raise ActionRefused(str(exc)) from None
    except ValueError as exc:
        raise ActionRefused(str(exc)) from None
    _audit(by, "correct", article, kind=kind, note=note, version=article.version)
    if article.is_visible:
        shown = kind in {str(k) for k in Correction.SHOWN}
        _announce(events.STORY_CORRECTED if shown else events.STORY_UPDATED, article, by, kind=kind)
    return correction


@transaction.atomic
def article_edit(
    *,
    article: Article,
    by,
    authors: Sequence[Author] | None = None,
    tags: Sequence[Tag] | None = None,
    topics: Sequence[Topic] | None = None,
    expected_version: int | None = None,
    kind: str = "",
    note: str = "",
) -> Article:
    """Save a story from an edit screen (admin's change form). A draft is saved as it is,
    by its writer or an editor; a live or scheduled story changes only as a typed
    correction by an editor (writers propose changes through review instead)."""
    _require(by, {Role.WRITER, *EDITORS}, "edit a story")
    stored_status = (
        Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
        if article.pk
        else None
    )
    if stored_status is not None:
        stored = Article.objects.get(pk=article.pk)
        _require_own(by, stored, "change it")
    if stored_status == Status.PUBLISHED:
        if not roles_of(by) & EDITORS:
            raise ActionRefused(
                "The story is live: propose your change for review on its revisions screen."
            )
        article_correct(
            article=article,
            by=by,
            kind=kind or "typo",
            note=note,
            expected_version=expected_version,
            authors=authors,
            tags=tags,
            topics=topics,
        )
        return article
    if article.status == Status.PUBLISHED:
        raise ActionRefused("Publish a story with the Publish action, not by editing it.")
    workflow = before = None
    if stored_status is not None:
        # Locked before the save: an editor approving at this moment waits for it, and then
        # finds the story back in draft if the writer changed what was reviewed.
        workflow, _ = Workflow.objects.select_for_update().get_or_create(article_id=article.pk)
        before = _reviewed_state(article.pk)
    # EditConflict goes up as it is: the admin shows its form again naming who saved.
    news.article_save(
        article=article,
        authors=authors,
        tags=tags,
        topics=topics,
        expected_version=expected_version,
        by=by if is_person(by) else None,
    )
    if workflow is not None:
        _reopen_if_reviewed(article, workflow, by, before)
    return article
