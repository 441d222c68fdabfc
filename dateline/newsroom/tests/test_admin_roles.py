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
def test_editor_can_publish_in_admin(client):
    client.force_login(staff(Role.EDITOR))
    assert client.post("/admin/news/article/add/", FORM).status_code == 302
    assert Article.objects.get(slug="writers-story").status == Status.PUBLISHED
    assert "publish_now" in client.get("/admin/news/article/").content.decode()
