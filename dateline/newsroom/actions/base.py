"""What every newsroom action shares: the actor's role check, the row locks, the audit."""

from __future__ import annotations

from dateline.news.models import Article
from dateline.newsroom.actors import actor_label, is_person
from dateline.newsroom.models import AuditEntry, Workflow, WorkflowState
from dateline.newsroom.roles import Role, roles_of

EDITORS = {Role.EDITOR, Role.ADMIN}


class ActionRefused(Exception):
    """The action is not allowed now; the message says why, for the person who tried."""


def workflow_of(article: Article) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(article=article)
    return workflow


def _audit(actor, action: str, article: Article | None, **detail) -> AuditEntry:
    entry = _audit_entry(actor, action, article, **detail)
    entry.save()
    return entry


def _audit_entry(actor, action: str, article: Article | None, **detail) -> AuditEntry:
    """An audit entry not saved yet: a batch action saves its entries in one statement."""
    return AuditEntry(
        actor=actor if is_person(actor) else None,
        actor_name=actor_label(actor)[:150],
        action=action,
        article=article,
        detail=detail,
    )


def _require(actor, allowed: set[Role], what: str) -> None:
    if not roles_of(actor) & allowed:
        names = " or ".join(sorted(r.value for r in allowed))
        raise ActionRefused(f"Only an {names} can {what}.")


def _require_own(actor, article: Article, what: str) -> None:
    """A writer acts on their own stories only; editors on any."""
    if roles_of(actor) & EDITORS or (
        is_person(actor) and article.created_by_id == getattr(actor, "pk", None)
    ):
        return
    raise ActionRefused(
        f"Only the story's writer or an editor can {what}: ask an editor to assign it to you."
    )


def _locked(article: Article) -> tuple[Article, Workflow]:
    # Row locks (PostgreSQL) serialise two people acting on one story at the same moment.
    article = Article.objects.select_for_update().get(pk=article.pk)
    workflow, _ = Workflow.objects.select_for_update().get_or_create(article=article)
    return article, workflow


def _require_version(article: Article, expected_version: int | None, what: str) -> None:
    """The person acts on the version they looked at: a save since then (a writer's late
    change) means they have not read what they would be acting on."""
    if expected_version is not None and article.version != expected_version:
        who = article.modified_by.get_username() if article.modified_by_id else "someone"
        raise ActionRefused(
            f"The story changed since you looked at it ({who} saved version "
            f"{article.version}; you had version {expected_version}): read it again before "
            f"you {what}."
        )


# What an editor's review covers: a change to any of these after submission is unreviewed.
REVIEWED_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "source_credit",
    "body",
    "section_id",
    "lead_picture_id",
    "language",
    "located",
    "social_headline",
    "social_description",
)


def _reviewed_state(article_id: int) -> tuple:
    stored = Article.objects.filter(pk=article_id).values_list(*REVIEWED_FIELDS).first()
    relations = tuple(
        frozenset(
            getattr(Article, name)
            .through.objects.filter(article_id=article_id)
            .values_list(f"{name[:-1]}_id", flat=True)
        )
        for name in ("authors", "tags", "topics")
    )
    return (stored, relations)


def _reopen_if_reviewed(article: Article, workflow: Workflow, by, before: tuple) -> bool:
    """After a writer's save: a story that was in review or approved goes back to draft
    when what the editor reviewed changed, so their approval (and the publish that follows
    it) never covers text they have not read. Editors' own edits keep the state: they are
    the review. The caller holds the workflow row lock."""
    if workflow.state == WorkflowState.DRAFT or roles_of(by) & EDITORS:
        return False
    if _reviewed_state(article.pk) == before:
        return False
    was = workflow.state
    workflow.state = WorkflowState.DRAFT
    workflow.save()
    _audit(
        by,
        "reopen",
        article,
        was=was,
        version=article.version,
        reason="changed by its writer after submission; submit it again for review",
    )
    return True
