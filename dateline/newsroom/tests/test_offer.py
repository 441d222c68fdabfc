"""The desk offers exactly what each role may do to a story in each state, and posting
anything else is refused by the action itself (not only hidden on the screen)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dateline.core import clock
from dateline.news.models import Article, Publication
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import AuditEntry, Workflow
from dateline.newsroom.offer import POSTED, DeskState, actions_offered, desk_state
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db

WRITER, OTHER_WRITER, EDITOR, ADMIN, WIRE = "writer", "other writer", "editor", "admin", "wire"
WHO = [WRITER, OTHER_WRITER, EDITOR, ADMIN, WIRE]

# What each role may do in each state: the product's rules, written out by hand.
ALLOWED = {
    DeskState.DRAFT: {
        WRITER: {"submit"},
        EDITOR: {"submit", "publish", "schedule"},
    },
    DeskState.IN_REVIEW: {EDITOR: {"approve", "return", "publish", "schedule"}},
    DeskState.APPROVED: {EDITOR: {"publish", "schedule"}},
    DeskState.SCHEDULED: {EDITOR: {"publish", "schedule", "correct", "unpublish"}},
    DeskState.LIVE: {EDITOR: {"correct", "unpublish"}},
    DeskState.LIVE_PENDING: {EDITOR: {"approve", "return", "correct", "unpublish"}},
    DeskState.UNPUBLISHED: {EDITOR: {"publish", "schedule"}},
    DeskState.WITHDRAWN: {EDITOR: {"publish", "schedule"}},
}


def _allowed(state: DeskState, who: str) -> set[str]:
    return ALLOWED[state].get(EDITOR if who == ADMIN else who, set())


@pytest.fixture
def people():
    return {
        WRITER: staff(Role.WRITER, "wendy"),
        OTHER_WRITER: staff(Role.WRITER, "oscar"),
        EDITOR: staff(Role.EDITOR, "edith"),
        ADMIN: staff(Role.ADMIN, "ada"),
        WIRE: staff(Role.WIRE, "wiremu"),
    }


def _story(state: DeskState, people) -> Article:
    """A story of wendy's in `state`, reached through the actions as on the desk."""
    writer, editor = people[WRITER], people[EDITOR]
    story = news_factories.article(
        publish=False, section_obj=news_factories.section("Harbour"), created_by=writer
    )
    if state in (DeskState.IN_REVIEW, DeskState.APPROVED):
        actions.article_submit(article=story, by=writer)
    if state == DeskState.APPROVED:
        actions.article_approve(article=story, by=editor)
    if state == DeskState.SCHEDULED:
        actions.article_schedule(article=story, by=editor, at=clock.now() + dt.timedelta(days=1))
    if state in (
        DeskState.LIVE,
        DeskState.LIVE_PENDING,
        DeskState.UNPUBLISHED,
        DeskState.WITHDRAWN,
    ):
        actions.article_schedule(article=story, by=editor)
    if state == DeskState.LIVE_PENDING:
        actions.article_propose(
            article=story, by=writer, headline="A better headline", standfirst="", body="<p>x</p>"
        )
    if state == DeskState.UNPUBLISHED:
        actions.article_unpublish(article=story, by=editor, note="Legal asked")
    if state == DeskState.WITHDRAWN:
        actions.article_withdraw(article=story, by=editor, note="Legal asked")
    story = Article.objects.get(pk=story.pk)
    assert desk_state(story, _wf(story)) == state
    return story


def _wf(story: Article) -> Workflow | None:
    return Workflow.objects.filter(article_id=story.pk).first()


def _fields(action: str, story: Article) -> dict:
    """What the desk's form for `action` sends, filled in as a person would."""
    local = clock.now().astimezone(ZoneInfo(Publication.load().time_zone)) + dt.timedelta(hours=3)
    return {
        "article": story.pk,
        "action": action,
        "version": story.version,
        "note": "The reason, for readers and the audit log.",
        "kind": "correction",
        "at": local.replace(tzinfo=None, microsecond=0).isoformat(),
    }


@pytest.mark.parametrize("state", list(DeskState), ids=str)
@pytest.mark.parametrize("who", WHO)
def test_offered_actions_are_exactly_the_allowed_ones(people, state, who):
    story = _story(state, people)
    offered = {o.action for o in actions_offered(people[who], story, _wf(story)) if not o.href}
    assert offered == _allowed(state, who)


@pytest.mark.parametrize("state", list(DeskState), ids=str)
@pytest.mark.parametrize("who", WHO)
def test_posting_an_action_succeeds_only_when_it_was_offered(client, people, state, who):
    client.force_login(people[who])
    allowed = _allowed(state, who)
    for action in POSTED:
        story = _story(state, people)
        before = AuditEntry.objects.filter(article=story).count()
        response = client.post("/newsroom/action/", _fields(action, story))
        done = AuditEntry.objects.filter(article=story).count() > before
        assert done == (action in allowed), (state, who, action)
        if who == WIRE:
            assert response.status_code == 403
        elif not done:
            assert response.status_code == 302
            assert any(m.level_tag == "error" for m in response.wsgi_request._messages)


def test_a_writer_is_offered_a_proposal_screen_for_their_own_live_story(people):
    story = _story(DeskState.LIVE, people)
    [offer] = actions_offered(people[WRITER], story, _wf(story))
    assert offer.href == f"/newsroom/revisions/?article={story.pk}"
    assert actions_offered(people[OTHER_WRITER], story, _wf(story)) == []


def test_unpublish_and_correct_ask_the_reason_and_refuse_without_it(client, people):
    client.force_login(people[EDITOR])
    story = _story(DeskState.LIVE, people)
    offers = {o.action: o for o in actions_offered(people[EDITOR], story, _wf(story))}
    assert offers["unpublish"].label == "Unpublish…"
    assert [f.name for f in offers["unpublish"].fields] == ["note"]
    assert {f.name for f in offers["correct"].fields} == {"kind", "note"}
    for action in ("unpublish", "correct"):
        fields = _fields(action, story) | {"note": "  "}
        client.post("/newsroom/action/", fields)
        assert not AuditEntry.objects.filter(article=story, action=action).exists()
    client.post("/newsroom/action/", _fields("unpublish", story))
    entry = AuditEntry.objects.get(article=story, action="unpublish")
    assert entry.detail["note"] == "The reason, for readers and the audit log."


def test_a_schedule_is_read_in_the_publications_time_zone(client, people):
    publication = Publication.load()
    publication.time_zone = "Asia/Kolkata"
    publication.save()
    client.force_login(people[EDITOR])
    story = _story(DeskState.APPROVED, people)
    client.post(
        "/newsroom/action/",
        _fields("schedule", story) | {"at": "2099-03-01T09:30:00"},
    )
    story.refresh_from_db()
    assert story.published_at == dt.datetime(2099, 3, 1, 4, 0, tzinfo=dt.UTC)


def test_a_missing_workflow_row_is_a_draft():
    story = news_factories.article(publish=False)
    Workflow.objects.filter(article=story).delete()
    assert desk_state(story, None) == DeskState.DRAFT
