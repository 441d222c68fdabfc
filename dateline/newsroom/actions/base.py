"""What every newsroom action shares: the actor's role check, the row locks, the audit."""

from __future__ import annotations

from dateline.news.models import Article
from dateline.newsroom.actors import actor_label, is_person
from dateline.newsroom.models import AuditEntry, Workflow
from dateline.newsroom.roles import Role, roles_of

EDITORS = {Role.EDITOR, Role.ADMIN}


class ActionRefused(Exception):
    """The action is not allowed now; the message says why, for the person who tried."""


def workflow_of(article: Article) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(article=article)
    return workflow


def _audit(actor, action: str, article: Article | None, **detail) -> AuditEntry:
    return AuditEntry.objects.create(
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
