"""A writer's change to a story already submitted or approved sends it back to draft, so an
editor's approval and publish always cover the text that goes live.

Sending back rather than refusing: the writer keeps what they typed (a late fact, a typo
found after submitting), the queue shows the story as a draft again, and the audit log says
why; the desk's buttons carry the version the editor looked at, so a publish clicked on a
page loaded before the writer's save is refused instead of putting unread text live."""

from __future__ import annotations

import pytest

from dateline.news.models import Article, Status
from dateline.news.tests import factories as news_factories
from dateline.newsroom.models import AuditEntry, Workflow, WorkflowState
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


def _form(story: Article, **changes) -> dict:
    return {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "source_credit": "",
        "body": story.body,
        "section": story.section_id or "",
        "lead_picture": "",
        "language": "",
        "located": "",
        "opened_version": story.version,
        **changes,
    }


def _state(story: Article) -> str:
    return Workflow.objects.get(article=story).state


@pytest.fixture
def desk(client, db):
    writer, editor = staff(Role.WRITER), staff(Role.EDITOR)
    story = news_factories.article(
        headline="Harbour dues to rise",
        body="<p>Dues rise by a tenth in April.</p>",
        section_obj=news_factories.section("Harbour"),
        publish=False,
        created_by=writer,
    )
    client.force_login(writer)
    client.post("/newsroom/action/", {"article": story.pk, "action": "submit"})
    assert _state(story) == WorkflowState.IN_REVIEW
    return writer, editor, story


def _approve(client, editor, story):
    client.force_login(editor)
    story.refresh_from_db()
    client.post(
        "/newsroom/action/", {"article": story.pk, "action": "approve", "version": story.version}
    )
    assert _state(story) == WorkflowState.APPROVED


@pytest.mark.parametrize("reviewed", ["in review", "approved"])
def test_a_writers_admin_edit_after_submitting_sends_the_story_back_to_draft(
    client, desk, reviewed
):
    writer, editor, story = desk
    if reviewed == "approved":
        _approve(client, editor, story)
    client.force_login(writer)
    response = client.post(
        f"/admin/news/article/{story.pk}/change/",
        _form(story, body="<p>Dues rise by a fifth in April.</p>"),
        follow=True,
    )
    assert response.status_code == 200
    assert "back to draft" in response.content.decode()
    story.refresh_from_db()
    assert story.body == "<p>Dues rise by a fifth in April.</p>"
    assert _state(story) == WorkflowState.DRAFT
    entry = AuditEntry.objects.get(article=story, action="reopen")
    assert entry.actor == writer
    assert entry.detail["was"] == ("approved" if reviewed == "approved" else "in_review")
    # The editor's approval was of the other text: approving again needs a new submission.
    client.force_login(editor)
    client.post(
        "/newsroom/action/", {"article": story.pk, "action": "approve", "version": story.version}
    )
    assert _state(story) == WorkflowState.DRAFT


def test_the_editors_publish_from_a_queue_loaded_before_the_writers_edit_is_refused(client, desk):
    writer, editor, story = desk
    _approve(client, editor, story)
    seen = Article.objects.get(pk=story.pk).version  # the queue page the editor has open
    client.force_login(writer)
    client.post(
        f"/admin/news/article/{story.pk}/change/",
        _form(story, body="<p>Dues double in April, says nobody.</p>"),
    )
    client.force_login(editor)
    page = client.post(
        "/newsroom/action/",
        {"article": story.pk, "action": "publish", "version": seen},
        follow=True,
    ).content.decode()
    assert "changed since you looked" in page
    story.refresh_from_db()
    assert story.status == Status.DRAFT and not story.is_visible


def test_a_writers_restore_on_the_revisions_screen_after_submitting_sends_it_back_to_draft(
    client, desk
):
    writer, editor, story = desk
    first = story.revisions.get().version
    client.force_login(writer)
    story.refresh_from_db()
    story.body = "<p>Dues rise by a fifth.</p>"
    # Rewritten while in review, then approved, then the writer brings the first text back.
    news_factories.save(story, by=writer)
    _approve(client, editor, story)
    client.force_login(writer)
    story.refresh_from_db()
    client.post(
        "/newsroom/revisions/",
        {"article": story.pk, "restore": first, "version": story.version},
    )
    story.refresh_from_db()
    assert story.body == "<p>Dues rise by a tenth in April.</p>"
    assert _state(story) == WorkflowState.DRAFT
    assert AuditEntry.objects.filter(article=story, action="reopen", actor=writer).exists()


def test_an_unchanged_save_or_an_editors_edit_keeps_the_approval(client, desk):
    writer, editor, story = desk
    _approve(client, editor, story)
    client.force_login(writer)
    story.refresh_from_db()
    client.post(f"/admin/news/article/{story.pk}/change/", _form(story))
    assert _state(story) == WorkflowState.APPROVED
    client.force_login(editor)
    story.refresh_from_db()
    client.post(
        f"/admin/news/article/{story.pk}/change/",
        _form(story, headline="Harbour dues to rise in April"),
    )
    assert _state(story) == WorkflowState.APPROVED
    assert not AuditEntry.objects.filter(article=story, action="reopen").exists()
