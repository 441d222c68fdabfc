"""What the desk offers on a story: its state as the desk speaks of it, and exactly the
actions the person's role and that state allow, named for what they do.

One function decides, for every screen (the story list, the writing screen): the list
shows these buttons and no others, and each action refuses the same cases by itself
(actions/workflow.py, actions/publication.py), so a button the screen did not offer is
refused when posted all the same (tests/test_offer.py holds the two together).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from dateline.core import clock
from dateline.news.models import Status
from dateline.newsroom.models import WorkflowState
from dateline.newsroom.roles import Role, roles_of

EDITORS = frozenset({Role.EDITOR, Role.ADMIN})


class DeskState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    LIVE = "live"
    LIVE_PENDING = "live_pending"  # live, with a proposed change waiting for review
    UNPUBLISHED = "unpublished"  # taken down by the desk
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    DeskState.DRAFT: "Draft",
    DeskState.IN_REVIEW: "In review",
    DeskState.APPROVED: "Approved",
    DeskState.SCHEDULED: "Scheduled",
    DeskState.LIVE: "Live",
    DeskState.LIVE_PENDING: "Live, change in review",
    DeskState.UNPUBLISHED: "Unpublished",
    DeskState.WITHDRAWN: "Withdrawn",
}


def desk_state(article, workflow, now: dt.datetime | None = None) -> DeskState:
    """The story's state on the desk, from its publication status and its workflow (a
    missing workflow row is a draft's). A live story in review has a proposed change
    waiting: only article_propose puts a live story in review."""
    state = workflow.state if workflow is not None else WorkflowState.DRAFT
    taken_down = workflow.taken_down if workflow is not None else False
    if article.status == Status.WITHDRAWN:
        return DeskState.WITHDRAWN
    if article.status == Status.PUBLISHED:
        if article.published_at is not None and article.published_at > (now or clock.now()):
            return DeskState.SCHEDULED
        return DeskState.LIVE_PENDING if state == WorkflowState.IN_REVIEW else DeskState.LIVE
    if state == WorkflowState.IN_REVIEW:
        return DeskState.IN_REVIEW
    if taken_down:
        return DeskState.UNPUBLISHED
    if state == WorkflowState.APPROVED:
        return DeskState.APPROVED
    return DeskState.DRAFT


@dataclass(frozen=True)
class Field:
    """A value the action asks for before it runs (a form field on the screen)."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | datetime-local | select
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Offer:
    """One thing the person may do to the story now. `action` is the name posted to
    newsroom:action (a key of actions.workflow.ACTIONS); a link offer has `href` instead
    and is a screen, not an action. `fields` are asked for first (a label ending in "…"
    says so); `primary` marks the one the state most calls for."""

    action: str
    label: str
    fields: tuple[Field, ...] = field(default=())
    primary: bool = False
    danger: bool = False
    href: str = ""
    confirm: str = ""  # the button that sends the asked-for fields

    @property
    def asks(self) -> bool:
        return bool(self.fields)


def _own(user, article) -> bool:
    return getattr(user, "pk", None) is not None and article.created_by_id == user.pk


def actions_offered(user, article, workflow, *, now: dt.datetime | None = None) -> list[Offer]:
    """Exactly what `user` may do to `article` (with its `workflow` row, or None) now."""
    from dateline.news.models import Correction

    roles = roles_of(user)
    editor = bool(roles & EDITORS)
    writer = editor or Role.WRITER in roles
    state = desk_state(article, workflow, now)
    wf = workflow.state if workflow is not None else WorkflowState.DRAFT
    offers: list[Offer] = []
    if (
        writer
        and (editor or _own(user, article))
        and wf == WorkflowState.DRAFT
        and article.status == Status.DRAFT
        and article.headline.strip()
    ):
        offers.append(Offer("submit", "Submit for review", primary=not editor))
    if editor and wf == WorkflowState.IN_REVIEW:
        offers.append(Offer("approve", "Approve", primary=True))
        offers.append(
            Offer(
                "return",
                "Send back with a note",
                fields=(Field("note", "Note to the writer", kind="textarea"),),
                confirm="Send back",
            )
        )
    if editor and state not in (DeskState.LIVE, DeskState.LIVE_PENDING):
        offers.append(
            Offer("publish", "Publish now", primary=state == DeskState.APPROVED, danger=False)
        )
        offers.append(
            Offer(
                "schedule",
                "Reschedule…" if state == DeskState.SCHEDULED else "Schedule…",
                fields=(Field("at", "Publish at", kind="datetime-local"),),
                confirm="Schedule",
            )
        )
    if editor and article.status == Status.PUBLISHED:
        offers.append(
            Offer(
                "correct",
                "Correct…",
                fields=(
                    Field(
                        "kind",
                        "Kind of change",
                        kind="select",
                        choices=tuple((str(k.value), str(k.label)) for k in Correction.Kind),
                    ),
                    Field(
                        "note",
                        "What was wrong (readers see a correction's note)",
                        kind="textarea",
                    ),
                ),
                confirm="Save the correction",
            )
        )
        offers.append(
            Offer(
                "unpublish",
                "Unschedule…" if state == DeskState.SCHEDULED else "Unpublish…",
                fields=(Field("note", "Reason (kept in the audit log)", kind="textarea"),),
                danger=True,
                confirm="Unschedule" if state == DeskState.SCHEDULED else "Unpublish",
            )
        )
    if (
        writer
        and not editor
        and _own(user, article)
        and state in (DeskState.LIVE, DeskState.LIVE_PENDING)
    ):
        offers.append(
            Offer(
                "propose",
                "Propose a change",
                href=f"/newsroom/revisions/?article={article.pk}",
            )
        )
    return offers


# The offers each posted action stands for, for the screens' checks and the tests.
POSTED = ("submit", "approve", "return", "publish", "schedule", "correct", "unpublish")
