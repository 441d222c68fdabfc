"""A library picture on a live story is part of what readers see: a writer cannot change one
that a colleague's live story shows, and every change to a picture on a live story, through
admin's picture form and its focal-point picker, is audited on each story that shows it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dateline.news import body as body_format
from dateline.news.tests import factories as news_factories
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update


def _jpeg(colour=(20, 90, 160)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return buf.getvalue()


def _form(picture: Picture, **changes) -> dict:
    return {
        "caption": picture.caption,
        "credit": picture.credit,
        "alt_text": picture.alt_text,
        "focal_x": picture.focal_x,
        "focal_y": picture.focal_y,
        **changes,
    }


@pytest.fixture
def quay(db):
    picture, _ = picture_create_or_update(
        data=_jpeg(), filename="quay.jpg", caption="The north quay", credit="Harbour Photo"
    )
    return picture


def _live_story_showing(picture, *, by=None, in_body=False):
    fields = {"created_by": by} if by else {}
    if in_body:
        body = f"<p>Text.</p>{body_format.picture_placeholder(picture.pk)}"
        return news_factories.article(headline="Quay story", body=body, **fields)
    return news_factories.article(headline="Quay story", lead_picture=picture, **fields)


@pytest.mark.parametrize(
    "change",
    [
        {"caption": "A quay somewhere else"},
        {"credit": "Someone else"},
        {"focal_x": "0.9", "focal_y": "0.1"},  # what the focal-point picker posts
        {"file": "new"},
    ],
    ids=["caption", "credit", "focal point", "file"],
)
def test_a_writer_cannot_change_a_picture_on_a_colleagues_live_story(client, quay, change):
    colleague = staff(Role.WRITER, "colleague")
    _live_story_showing(quay, by=colleague, in_body=True)
    client.force_login(staff(Role.WRITER))
    page = client.get(f"/admin/pictures/picture/{quay.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # shown, read-only
    if change.get("file"):
        change = {"file": SimpleUploadedFile("other.jpg", _jpeg((200, 0, 0)), "image/jpeg")}
    response = client.post(f"/admin/pictures/picture/{quay.pk}/change/", _form(quay, **change))
    assert response.status_code == 403
    stored = Picture.objects.get(pk=quay.pk)
    assert (stored.caption, stored.credit, stored.file.name, stored.focal_x) == (
        quay.caption,
        quay.credit,
        quay.file.name,
        quay.focal_x,
    )
    assert not AuditEntry.objects.filter(action="picture_edit").exists()


def test_a_writer_changes_a_picture_no_colleagues_live_story_shows(client, quay):
    writer = staff(Role.WRITER)
    news_factories.article(headline="A colleague's draft", publish=False, lead_picture=quay)
    client.force_login(writer)
    response = client.post(
        f"/admin/pictures/picture/{quay.pk}/change/", _form(quay, caption="The north quay, 6am")
    )
    assert response.status_code == 302
    assert Picture.objects.get(pk=quay.pk).caption == "The north quay, 6am"
    # No live story shows it: nothing readers see changed, nothing to audit.
    assert not AuditEntry.objects.filter(action="picture_edit").exists()


def test_a_writers_change_to_the_picture_of_their_own_live_story_is_audited(client, quay):
    writer = staff(Role.WRITER)
    story = _live_story_showing(quay, by=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/pictures/picture/{quay.pk}/change/", _form(quay, credit="Harbour Photo/ANI")
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="picture_edit")
    assert (entry.article, entry.actor) == (story, writer)
    assert entry.detail == {"picture": quay.pk, "fields": ["credit"]}


def test_an_editors_focal_point_change_on_live_stories_is_audited_on_each(client, quay):
    editor = staff(Role.EDITOR)
    lead = _live_story_showing(quay)
    inline = _live_story_showing(quay, in_body=True)
    client.force_login(editor)
    response = client.post(
        f"/admin/pictures/picture/{quay.pk}/change/", _form(quay, focal_x="0.2", focal_y="0.3")
    )
    assert response.status_code == 302
    assert Picture.objects.get(pk=quay.pk).focal_x == 0.2
    entries = AuditEntry.objects.filter(action="picture_edit", actor=editor)
    assert {e.article for e in entries} == {lead, inline}
    assert all(e.detail["fields"] == ["focal_x", "focal_y"] for e in entries)
