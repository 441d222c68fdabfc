"""Every save keeps a revision; any two compare; any one restores."""

from __future__ import annotations

import pytest

from dateline.news import services
from dateline.news.models import Article, Revision
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions.base import ActionRefused, workflow_of
from dateline.newsroom.actions.revisions import article_restore, revision_diff
from dateline.newsroom.actions.workflow import article_approve
from dateline.newsroom.models import AuditEntry, WorkflowState
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


def _edit(article, **fields):
    for name, value in fields.items():
        setattr(article, name, value)
    return news_factories.save(article, expected_version=article.version)


@pytest.mark.django_db
def test_each_save_that_changes_the_text_keeps_a_revision():
    article = news_factories.article(
        headline="Tide tables printed", publish=False, body="<p>First.</p>"
    )
    _edit(article, body="<p>First.</p><p>Second.</p>")
    _edit(article, headline="Tide tables printed again")
    services.article_save(article=article)  # nothing in the text changed
    versions = list(article.revisions.values_list("version", "headline"))
    assert [h for _, h in versions] == [
        "Tide tables printed again",
        "Tide tables printed",
        "Tide tables printed",
    ]
    assert [v for v, _ in versions] == sorted((v for v, _ in versions), reverse=True)


@pytest.mark.django_db
def test_diff_shows_headline_and_paragraph_changes():
    article = news_factories.article(headline="Old pier", body="<p>Keep.</p><p>Drop me.</p>")
    _edit(article, headline="New pier", body="<p>Keep.</p><p>Added.</p>")
    new, old = list(article.revisions.all()[:2])
    diff = {d.field: d for d in revision_diff(old, new)}
    assert ("-", "Old pier") in diff["headline"].lines and ("+", "New pier") in diff[
        "headline"
    ].lines
    assert ("-", "<p>Drop me.</p>") in diff["body"].lines
    assert ("+", "<p>Added.</p>") in diff["body"].lines
    assert (" ", "<p>Keep.</p>") in diff["body"].lines
    assert not diff["standfirst"].changed


@pytest.mark.django_db
def test_restore_brings_back_an_old_text_as_a_new_save(client):
    article = news_factories.article(
        headline="Ferry on time", body="<p>Original.</p>", publish=False
    )
    first = article.revisions.first()
    _edit(article, headline="Ferry late", body="<p>Rewritten.</p>")
    editor = staff(Role.EDITOR)
    article_restore(article=article, revision=first, by=editor, expected_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body) == ("Ferry on time", "<p>Original.</p>")
    assert Revision.objects.filter(article=article).first().headline == "Ferry on time"
    assert AuditEntry.objects.get(action="restore").detail["version"] == first.version
    client.force_login(editor)
    page = client.get(f"/newsroom/revisions/?article={article.pk}").content.decode()
    assert "Revisions of" in page and "Ferry late" in page


@pytest.mark.django_db
def test_restore_by_another_writer_is_refused():
    owner, other = staff(Role.WRITER, "owner"), staff(Role.WRITER, "other")
    article = news_factories.article(
        headline="Harbour dues", body="<p>Mine.</p>", publish=False, created_by=owner
    )
    first = article.revisions.first()
    _edit(article, headline="Harbour dues rise", body="<p>Mine, revised.</p>")
    with pytest.raises(ActionRefused, match="writer or an editor"):
        article_restore(article=article, revision=first, by=other, expected_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Harbour dues rise"
    assert not AuditEntry.objects.filter(action="restore").exists()


@pytest.mark.django_db
def test_restore_of_a_live_story_goes_to_review_while_the_live_text_stays():
    writer, editor = staff(Role.WRITER), staff(Role.EDITOR)
    article = news_factories.article(
        headline="Quay open", body="<p>Live text.</p>", created_by=writer
    )
    first = article.revisions.first()
    article.headline = "Quay open all night"
    news_factories.save(article)
    version = Article.objects.get(pk=article.pk).version
    article_restore(article=article, revision=first, by=writer, expected_version=version)
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Quay open all night" and stored.version == version
    proposal = stored.revisions.get(pending=True)
    assert proposal.headline == "Quay open" and proposal.saved_by == writer
    assert workflow_of(stored).state == WorkflowState.IN_REVIEW
    article_approve(article=stored, by=editor)
    assert Article.objects.get(pk=article.pk).headline == "Quay open"


@pytest.mark.django_db
def test_restore_from_an_old_version_is_refused():
    editor = staff(Role.EDITOR)
    article = news_factories.article(headline="Tide", publish=False)
    first = article.revisions.first()
    opened = article.version
    _edit(article, headline="Tide turns")
    with pytest.raises(ActionRefused, match="after you opened"):
        article_restore(article=article, revision=first, by=editor, expected_version=opened)
    assert Article.objects.get(pk=article.pk).headline == "Tide turns"
