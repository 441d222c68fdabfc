"""Notes and assignments: the conversation about a story at the desk, and whose it is now.
Neither changes what readers see; both are audited, so a story's history shows them beside
its actions and revisions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from dateline.core import clock
from dateline.news.models import Article
from dateline.newsroom.actions.base import EDITORS, ActionRefused, _audit, _locked, _require
from dateline.newsroom.actors import actor_label, is_person
from dateline.newsroom.models import Note
from dateline.newsroom.roles import Role, roles_of

NOTE_MAX = 5000
STAFF = {Role.WRITER, *EDITORS}


def _note_file(article: Article, by, text: str, action: str = "") -> Note:
    return Note.objects.create(
        article=article,
        author=by if is_person(by) else None,
        author_name=actor_label(by)[:150],
        text=text,
        at=clock.now(),
        action=action,
    )


def _may_talk_about(by, article: Article) -> None:
    """A writer talks about their own stories and those assigned to them; editors about any."""
    if roles_of(by) & EDITORS:
        return
    mine = getattr(by, "pk", None) if is_person(by) else None
    assigned = getattr(getattr(article, "workflow", None), "assigned_to_id", None)
    if mine is not None and mine in (article.created_by_id, assigned):
        return
    raise ActionRefused("Only the story's writer, its assignee or an editor can write on it.")


@transaction.atomic
def note_add(*, article: Article, by, text: str, action: str = "") -> Note:
    """Add a note to a story's thread (a reply, a question, the reason for sending back)."""
    _require(by, STAFF, "write a note")
    text = (text or "").strip()
    if not text:
        raise ActionRefused("Write the note first.")
    if len(text) > NOTE_MAX:
        raise ActionRefused(f"A note holds at most {NOTE_MAX} characters.")
    article, _ = _locked(article)
    _may_talk_about(by, article)
    note = _note_file(article, by, text, action)
    _audit(by, "note", article, note=note.pk)
    return note


@transaction.atomic
def article_assign(*, article: Article, by, to) -> None:
    """Give a story to a person (or to nobody, `to` None): it shows under their Needs me.
    Editors assign any story to anyone on the staff who writes."""
    _require(by, EDITORS, "assign a story")
    article, workflow = _locked(article)
    if to is not None:
        if not is_person(to) or not roles_of(to) & STAFF or not to.is_active:
            raise ActionRefused(f"{to.get_username()} does not write or edit stories.")
    if workflow.assigned_to_id == (to.pk if to is not None else None):
        return
    workflow.assigned_to = to
    workflow.save()
    _audit(by, "assign", article, to=to.get_username() if to is not None else "")


def assignable_people():
    """Everyone a story can be given to: active staff who write or edit (one query)."""
    names = [r.value for r in (Role.WRITER, Role.EDITOR, Role.ADMIN)]
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=names) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
