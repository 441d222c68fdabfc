"""A live story is revised through review while the published version stays up."""

from __future__ import annotations

import pytest

from dateline.news.models import Article, Revision
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import WorkflowState
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


@pytest.mark.django_db
def test_proposed_change_waits_for_review_and_replaces_the_live_story_when_approved(client):
    writer, editor = staff(Role.WRITER), staff(Role.EDITOR)
    live = news_factories.article(
        headline="Lock gates fail", body="<p>Old text.</p>", created_by=writer
    )
    url = live.get_absolute_url()
    actions.article_propose(
        article=live,
        by=writer,
        headline="Lock gates repaired",
        standfirst="Engineers worked overnight",
        body="<p>New text.</p><script>x()</script>",
        expected_version=live.version,
    )
    assert actions.workflow_of(live).state == WorkflowState.IN_REVIEW
    html = client.get(url).content.decode()
    assert "Lock gates fail" in html and "Lock gates repaired" not in html  # still the old one
    actions.article_approve(article=live, by=editor)
    html = client.get(url).content.decode()
    assert "Lock gates repaired" in html and "New text." in html and "x()" not in html
    stored = Article.objects.get(pk=live.pk)
    assert stored.modified_by == writer
    assert not Revision.objects.filter(article=live, pending=True).exists()


@pytest.mark.django_db
def test_proposal_against_an_old_version_is_not_applied_over_a_newer_live_story():
    writer, editor = staff(Role.WRITER), staff(Role.EDITOR)
    live = news_factories.article(headline="Quay closes", created_by=writer)
    actions.article_propose(
        article=live, by=writer, headline="Quay closes early", standfirst="", body="<p>x</p>"
    )
    live.headline = "Quay closes at six"
    news_factories.save(live, expected_version=live.version, by=editor)
    with pytest.raises(actions.ActionRefused, match="changed"):
        actions.article_approve(article=live, by=editor)
    assert Article.objects.get(pk=live.pk).headline == "Quay closes at six"


@pytest.mark.django_db
def test_drafts_are_edited_directly_not_proposed():
    writer = staff(Role.WRITER)
    draft = news_factories.article(publish=False, created_by=writer)
    with pytest.raises(actions.ActionRefused, match="not live"):
        actions.article_propose(article=draft, by=writer, headline="x", standfirst="", body="")


@pytest.mark.django_db
def test_writer_proposes_from_the_revisions_screen(client):
    writer = staff(Role.WRITER)
    live = news_factories.article(headline="Swing bridge stuck", created_by=writer)
    client.force_login(writer)
    page = client.get(f"/newsroom/revisions/?article={live.pk}").content.decode()
    assert "Propose a change to the live story" in page
    response = client.post(
        "/newsroom/revisions/",
        {
            "article": live.pk,
            "version": live.version,
            "propose": "1",
            "headline": "Swing bridge freed",
            "standfirst": "",
            "body": "<p>Moving again.</p>",
        },
        follow=True,
    )
    assert "waiting for review" in response.content.decode()
    assert "(proposed, in review)" in response.content.decode()
    assert Article.objects.get(pk=live.pk).headline == "Swing bridge stuck"
