"""Workflow and publication actions: who may, from which state, and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dateline.core import clock
from dateline.news.models import Status
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import AuditEntry, WorkflowState
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


def _draft(**fields):
    """A draft that passes preflight: headline, standfirst, body and section."""
    return news_factories.article(
        publish=False, section_obj=news_factories.section("Harbour"), **fields
    )


@pytest.fixture
def people(db):
    return {r: staff(r) for r in Role}


@pytest.mark.django_db
def test_writer_submits_editor_approves_and_schedules(people, client):
    article = _draft(headline="Harbour toll scrapped", created_by=people[Role.WRITER])
    actions.article_submit(article=article, by=people[Role.WRITER])
    assert actions.workflow_of(article).state == WorkflowState.IN_REVIEW
    actions.article_approve(article=article, by=people[Role.EDITOR])
    at = (clock.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    actions.article_schedule(article=article, by=people[Role.EDITOR], at=at)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == at
    with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(at, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
    log = list(AuditEntry.objects.filter(article=article).order_by("pk"))
    assert [(e.action, e.actor.username) for e in log] == [
        ("submit", "writer-user"),
        ("approve", "editor-user"),
        ("schedule", "editor-user"),
    ]
    assert log[-1].detail["at"] == at.isoformat()


@pytest.mark.django_db
def test_writer_cannot_approve_publish_or_unpublish(people):
    article = news_factories.article(publish=False, created_by=people[Role.WRITER])
    actions.article_submit(article=article, by=people[Role.WRITER])
    for action in (actions.article_approve, actions.article_schedule, actions.article_unpublish):
        with pytest.raises(actions.ActionRefused, match="Only an"):
            action(article=article, by=people[Role.WRITER])
    with pytest.raises(actions.ActionRefused):
        actions.article_submit(article=article, by=people[Role.WIRE])
    assert not AuditEntry.objects.exclude(action="submit").exists()


@pytest.mark.django_db
def test_transitions_from_the_wrong_state_are_refused_with_a_reason(people):
    article = news_factories.article(publish=False, created_by=people[Role.WRITER])
    with pytest.raises(actions.ActionRefused, match="in review can be approved"):
        actions.article_approve(article=article, by=people[Role.EDITOR])
    actions.article_submit(article=article, by=people[Role.WRITER])
    with pytest.raises(actions.ActionRefused, match="not a draft"):
        actions.article_submit(article=article, by=people[Role.WRITER])
    with pytest.raises(actions.ActionRefused, match="not published"):
        actions.article_unpublish(article=article, by=people[Role.EDITOR])
    with pytest.raises(actions.ActionRefused, match="future"):
        actions.article_schedule(
            article=article, by=people[Role.EDITOR], at=clock.now() - dt.timedelta(minutes=1)
        )


@pytest.mark.django_db
def test_editor_publishes_now_and_unpublishes(people, client):
    article = _draft()
    actions.article_schedule(article=article, by=people[Role.EDITOR])
    assert client.get(article.get_absolute_url()).status_code == 200
    actions.article_unpublish(article=article, by=people[Role.ADMIN], note="legal")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="unpublish", detail__note="legal").count() == 1


@pytest.mark.django_db
def test_queue_and_action_screens(people, client):
    article = _draft(headline="Quay works begin", created_by=people[Role.WRITER])
    client.force_login(people[Role.WRITER])
    page = client.get("/newsroom/").content.decode()
    assert "Quay works begin" in page and 'class="state state-draft">Draft<' in page
    response = client.post(
        "/newsroom/action/", {"article": article.pk, "action": "submit"}, follow=True
    )
    assert 'class="state state-in_review">In review<' in response.content.decode()
    response = client.post(
        "/newsroom/action/", {"article": article.pk, "action": "publish"}, follow=True
    )
    assert "Only an admin or editor can publish a story." in response.content.decode()
    client.force_login(people[Role.EDITOR])
    response = client.post(
        "/newsroom/action/",
        {"article": article.pk, "action": "schedule", "at": "not a time"},
        follow=True,
    )
    assert "is not a date and time" in response.content.decode()
    article.standfirst = ""
    article.save()
    response = client.post(
        "/newsroom/action/", {"article": article.pk, "action": "publish"}, follow=True
    )
    assert "Add a standfirst" in response.content.decode()  # published, with a warning
    article.refresh_from_db()
    assert article.is_visible


@pytest.mark.django_db
def test_preflight_blocks_publishing_and_says_what_to_fix(people):
    from dateline.pictures.models import Picture

    picture = Picture.objects.create(file="pictures/p.jpg", width=10, height=10, caption="Quay")
    article = news_factories.article(publish=False, standfirst="", body="", lead_picture=picture)
    with pytest.raises(actions.ActionRefused) as refused:
        actions.article_schedule(article=article, by=people[Role.EDITOR])
    message = str(refused.value)
    for fix in (
        "The body is empty",
        "Choose a section",
        "Give the picture “Quay” a credit",
        "Describe the picture “Quay” in its alt text",
    ):
        assert fix in message
    assert "standfirst" not in message  # a missing standfirst only warns
    assert not article.is_visible


@pytest.mark.django_db
def test_a_writer_submits_their_own_story_not_a_colleagues(people):
    colleague = staff(Role.WRITER, "colleague")
    theirs = _draft(headline="Colleague's scoop", created_by=colleague)
    wire = _draft(headline="Agency copy")  # imported: nobody's, editors take it on
    for article in (theirs, wire):
        with pytest.raises(actions.ActionRefused, match="writer or an editor"):
            actions.article_submit(article=article, by=people[Role.WRITER])
        assert actions.workflow_of(article).state == WorkflowState.DRAFT
    actions.article_submit(article=theirs, by=colleague)
    actions.article_submit(article=wire, by=people[Role.EDITOR])
