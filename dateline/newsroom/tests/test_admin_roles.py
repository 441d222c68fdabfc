"""Admin obeys the newsroom roles: a writer cannot publish there."""

from __future__ import annotations

import pytest

from dateline.news.models import Article, Status
from dateline.news.tests import factories as news_factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

FORM = {
    "headline": "Writer's story",
    "slug": "writers-story",
    "standfirst": "",
    "source_credit": "",
    "body": "<p>Text.</p>",
    "section": "",
    "lead_picture": "",
    "status": Status.PUBLISHED,
    "published_at_0": "2024-01-01",
    "published_at_1": "10:00:00",
    "updated_at_0": "",
    "updated_at_1": "",
    "language": "",
    "located": "",
}


@pytest.mark.django_db
def test_writer_cannot_publish_or_change_a_live_story_in_admin(client):
    client.force_login(staff(Role.WRITER))
    response = client.post("/admin/news/article/add/", FORM)
    assert response.status_code == 302
    created = Article.objects.get(slug="writers-story")
    assert created.status == Status.DRAFT and created.published_at is None
    live = news_factories.article(headline="Live story")
    response = client.post(
        f"/admin/news/article/{live.pk}/change/",
        {**FORM, "slug": live.slug, "opened_version": live.version},
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=live.pk).headline == "Live story"
    listing = client.get("/admin/news/article/").content.decode()
    assert "publish_now" not in listing


@pytest.mark.django_db
def test_editor_publishes_in_admin_only_through_the_audited_action(client):
    from dateline.newsroom.models import AuditEntry

    editor = staff(Role.EDITOR)
    client.force_login(editor)
    # The form's status and time fields are gone: posting them changes nothing.
    section = news_factories.section("Harbour")
    assert (
        client.post("/admin/news/article/add/", {**FORM, "section": section.pk}).status_code == 302
    )
    article = Article.objects.get(slug="writers-story")
    assert article.status == Status.DRAFT and article.published_at is None
    assert not AuditEntry.objects.filter(article=article).exists()
    assert "publish_now" in client.get("/admin/news/article/").content.decode()
    response = client.post(
        "/admin/news/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_visible
    entry = AuditEntry.objects.get(article=article, action="publish")
    assert entry.actor == editor and entry.actor_name == editor.username


@pytest.mark.django_db
def test_writer_changes_only_their_own_drafts_in_admin(client):
    writer, colleague = staff(Role.WRITER), staff(Role.WRITER, "colleague")
    theirs = news_factories.article(
        headline="Colleague's draft", publish=False, created_by=colleague
    )
    client.force_login(writer)
    page = client.get(f"/admin/news/article/{theirs.pk}/change/")
    assert page.status_code == 200 and 'name="headline"' not in page.content.decode()  # read-only
    response = client.post(
        f"/admin/news/article/{theirs.pk}/change/",
        {**FORM, "status": Status.DRAFT, "slug": theirs.slug, "opened_version": theirs.version},
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=theirs.pk).headline == "Colleague's draft"
    client.post("/admin/news/article/add/", {**FORM, "status": Status.DRAFT})
    own = Article.objects.get(slug="writers-story")
    assert own.created_by == writer
    response = client.post(
        f"/admin/news/article/{own.pk}/change/",
        {
            **FORM,
            "status": Status.DRAFT,
            "headline": "Mine, revised",
            "opened_version": own.version,
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=own.pk).headline == "Mine, revised"


@pytest.mark.django_db(transaction=True)
def test_a_save_that_lands_between_check_and_save_is_a_form_error_not_a_500(client, monkeypatch):
    """Two editors: the other's save commits after our form checked the version and before
    our conditional save. We get the form back naming them, with our text in it.

    On PostgreSQL the other save runs on its own connection at exactly that moment. SQLite
    takes the write lock when the admin's transaction begins, so that interleaving cannot
    happen there; the other save lands just before ours instead."""
    import threading

    from django.db import connection, connections

    from dateline.news import services
    from dateline.newsroom import admin as news_admin

    story = news_factories.article(headline="Pier reopens", publish=False)
    opened = story.version
    other = staff(Role.EDITOR, "other-editor")

    def other_saves():
        try:
            current = Article.objects.get(pk=story.pk)
            current.headline = "Pier reopens on Friday"
            services.article_save(article=current, expected_version=current.version, by=other)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    if connection.vendor == "postgresql":
        original_clean = news_admin.ArticleForm.clean
        raced = []

        def clean_then_race(form):
            cleaned = original_clean(form)
            if not raced:
                raced.append(True)
                thread = threading.Thread(target=other_saves)
                thread.start()
                thread.join(timeout=30)
            return cleaned

        monkeypatch.setattr(news_admin.ArticleForm, "clean", clean_then_race)
    else:
        other_saves()
    client.force_login(staff(Role.EDITOR))
    response = client.post(
        f"/admin/news/article/{story.pk}/change/",
        {
            **FORM,
            "status": Status.DRAFT,
            "slug": story.slug,
            "headline": "Pier reopens after repairs",
            "body": "<p>My careful rewrite.</p>",
            "opened_version": opened,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "other-editor saved this story" in page  # the refusal names who changed it
    assert "My careful rewrite." in page and "Pier reopens after repairs" in page
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Pier reopens on Friday" and stored.version == opened + 1
