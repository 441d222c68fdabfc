"""Admin is good enough to write and publish a story with a picture."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dateline.news.models import Article, Status
from dateline.news.tests import factories
from dateline.pictures.models import Picture


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def editor_client(client, db):
    User.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(User.objects.get(username="ed"))
    return client


@pytest.mark.django_db
def test_editor_writes_and_publishes_a_story_with_a_picture(editor_client):
    response = editor_client.post(
        "/admin/pictures/picture/add/",
        {
            "file": SimpleUploadedFile("quay.jpg", _jpeg(), content_type="image/jpeg"),
            "caption": "The north quay",
            "credit": "Harbour Photo",
            "alt_text": "Boats at the quay",
            "focal_x": "0.5",
            "focal_y": "0.4",
        },
    )
    assert response.status_code == 302, response.content[:500]
    picture = Picture.objects.get()
    assert (picture.width, picture.height) == (64, 48)
    section = factories.section("Harbour")
    response = editor_client.post(
        "/admin/news/article/add/",
        {
            "headline": "Quay reopens after repairs",
            "slug": "quay-reopens",
            "standfirst": "Boats return on Monday",
            "source_credit": "",
            "body": "<p>Work finished early.</p><h2>What changes</h2><p>More berths.</p>"
            f'<figure data-picture="{picture.pk}"></figure><script>alert(1)</script>',
            "section": section.pk,
            "lead_picture": "",
            "status": Status.PUBLISHED,
            "published_at_0": "",
            "published_at_1": "",
            "updated_at_0": "",
            "updated_at_1": "",
            "language": "en",
            "located": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="quay-reopens")
    assert "<script" not in article.body
    assert list(article.body_pictures.all()) == [picture]
    # The form has no status: publishing is the "Publish now" action, audited.
    assert article.status == Status.DRAFT
    response = editor_client.post(
        "/admin/news/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    editor_client.logout()
    html = editor_client.get("/story/quay-reopens/").content.decode()
    assert "Quay reopens after repairs" in html
    assert "The north quay" in html and "Pic credits Harbour Photo" in html


@pytest.mark.django_db
def test_svg_upload_is_refused_with_a_clear_message(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = editor_client.post(
        "/admin/pictures/picture/add/",
        {
            "file": SimpleUploadedFile("x.jpg", svg, content_type="image/jpeg"),
            "caption": "x",
            "credit": "y",
            "alt_text": "z",
        },
    )
    assert response.status_code == 200
    assert not Picture.objects.exists()
    assert (
        "cannot be used" in response.content.decode() or "valid image" in response.content.decode()
    )


@pytest.mark.django_db
def test_admin_requires_staff(client):
    response = client.get("/admin/news/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_saving_over_a_newer_save_is_refused_and_names_who(editor_client):
    from dateline.newsroom.roles import Role, role_group

    article = factories.article(headline="Pier lights restored")
    opened = article.version
    other = User.objects.create_user("rival", password="x-long-password-2", is_staff=True)
    other.groups.add(role_group(Role.EDITOR))
    article.headline = "Pier lights restored at last"
    factories.save(article, expected_version=opened, by=other)
    response = editor_client.post(
        f"/admin/news/article/{article.pk}/change/",
        {
            "headline": "Pier lights back",
            "slug": article.slug,
            "standfirst": "",
            "source_credit": "",
            "body": "<p>x</p>",
            "section": "",
            "lead_picture": "",
            "status": Status.PUBLISHED,
            "published_at_0": "2024-01-01",
            "published_at_1": "10:00:00",
            "updated_at_0": "",
            "updated_at_1": "",
            "language": "",
            "located": "",
            "opened_version": opened,
        },
    )
    assert response.status_code == 200
    assert "rival saved this story at" in response.content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Pier lights restored at last"
