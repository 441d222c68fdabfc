"""Corrections show on the story and on /corrections/; a typo fix does not move "Updated"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dateline.core import clock
from dateline.news.models import Article
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


@pytest.fixture
def editor(db):
    return staff(Role.EDITOR)


@pytest.mark.django_db
def test_correction_shows_on_the_story_and_on_the_corrections_page(editor, client):
    published = clock.now() - dt.timedelta(days=1)
    article = news_factories.article(
        headline="Council votes 7-2 for bridge", published_at=published
    )
    later = clock.now() + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        article.headline = "Council votes 6-3 for bridge"
        actions.article_correct(
            article=article,
            by=editor,
            kind="correction",
            note="The vote was 6-3, not 7-2.",
            expected_version=article.version,
        )
        html = client.get(article.get_absolute_url()).content.decode()
        listing = client.get("/corrections/").content.decode()
    assert "Council votes 6-3 for bridge" in html
    assert "<strong>Correction</strong>" in html and "The vote was 6-3, not 7-2." in html
    assert 'class="updated"' in html
    assert "The vote was 6-3, not 7-2." in listing and article.get_absolute_url() in listing
    assert AuditEntry.objects.get(action="correct").detail["kind"] == "correction"


@pytest.mark.django_db
def test_typo_fix_does_not_move_updated_and_is_not_listed(editor, client):
    article = news_factories.article(headline="Harbour dredgeing resumes")
    article.headline = "Harbour dredging resumes"
    actions.article_correct(article=article, by=editor, kind="typo")
    stored = Article.objects.get(pk=article.pk)
    assert stored.updated_at is None
    assert stored.headline == "Harbour dredging resumes"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Corrections" not in html and 'class="updated"' not in html
    assert "No corrections have been published." in client.get("/corrections/").content.decode()


@pytest.mark.django_db
def test_update_moves_updated_but_is_not_a_correction(editor, client):
    article = news_factories.article(published_at=clock.now() - dt.timedelta(hours=3))
    actions.article_correct(article=article, by=editor, kind="update", note="")
    assert Article.objects.get(pk=article.pk).updated_at is not None
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="updated"' in html and "<strong>Update</strong>" not in html


@pytest.mark.django_db
def test_a_shown_correction_needs_a_note_and_a_writer_cannot_correct(editor):
    article = news_factories.article()
    with pytest.raises(actions.ActionRefused, match="readers see this note"):
        actions.article_correct(article=article, by=editor, kind="retraction", note=" ")
    with pytest.raises(actions.ActionRefused, match="Only an"):
        actions.article_correct(article=article, by=staff(Role.WRITER), kind="typo")
