"""The writing screen (newsroom/writing.py): new story, save through the actions, the lead
picture uploaded or re-captioned on the spot, labels, social fields, the version lock,
preflight as you type, the action bar, notes and assignments."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dateline.news import services
from dateline.news.models import Article, Status
from dateline.news.tests import factories as news_factories
from dateline.newsroom.models import AuditEntry, Note, Workflow, WorkflowState
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update

pytestmark = pytest.mark.django_db


def _jpeg(size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 130)).save(out, "JPEG", quality=80)
    return out.getvalue()


def _form(**overrides) -> dict:
    data = {
        "headline": "Harbour board keeps the late ferry",
        "standfirst": "The evening crossing survives another winter.",
        "source_credit": "",
        "body": "<p>The board met.</p><h2>Fares</h2><blockquote><p>We stay.</p></blockquote>",
        "section": "",
        "authors": "",
        "tags": "",
        "topics": "",
        "lead_picture": "",
        "lead_caption": "",
        "lead_credit": "",
        "lead_alt": "",
        "social_headline": "",
        "social_description": "",
    }
    data.update(overrides)
    return data


def test_a_writer_writes_a_new_story_with_a_lead_picture_uploaded_on_the_spot(client):
    writer = staff(Role.WRITER)
    harbour = news_factories.section("Harbour")
    author = services.author_get_or_create(name="Maya Okafor")
    topic = services.topic_get_or_create(kind="place", name="Kelbridge")
    client.force_login(writer)
    upload = SimpleUploadedFile("boats.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(
        reverse("newsroom:story_new"),
        _form(
            section=harbour.pk,
            authors="maya okafor",
            tags="Ferries, winter timetable",
            topics="Kelbridge",
            lead_file=upload,
            lead_caption="Boats at dawn",
            lead_credit="Mara Lind",
            lead_alt="Fishing boats moored in the harbour",
            social_headline="Late ferry saved",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Article.objects.get(headline="Harbour board keeps the late ferry")
    assert response["Location"] == reverse("newsroom:story", kwargs={"pk": story.pk})
    assert story.created_by == writer and story.status == Status.DRAFT
    assert list(story.authors.all()) == [author] and list(story.topics.all()) == [topic]
    assert sorted(t.name for t in story.tags.all()) == ["Ferries", "winter timetable"]
    assert story.social_headline == "Late ferry saved" and story.social_description == ""
    lead = story.lead_picture
    assert (lead.caption, lead.credit, lead.alt_text) == (
        "Boats at dawn",
        "Mara Lind",
        "Fishing boats moored in the harbour",
    )
    assert lead.metadata_cleaned and lead.width == 1200
    page = client.get(response["Location"]).content.decode()
    assert "Boats at dawn" in page and "Submit for review" in page


def test_an_upload_that_is_not_a_picture_is_refused_and_nothing_is_saved(client, shared_dir):
    client.force_login(staff(Role.WRITER))
    base = Path(shared_dir) / "corpora" / "security"
    payloads = sorted([*(base / "svg").glob("*.svg"), *(base / "ssrf-svg").glob("*.svg")])
    assert len(payloads) >= 16
    # Each under a name a picture would have: the bytes decide, never the name.
    files = [(f"{p.stem}.jpg", p.read_bytes()) for p in payloads]
    files.append(("notes.jpg", b"<?php echo 1; ?>"))
    for name, data in files:
        response = client.post(
            reverse("newsroom:story_new"),
            _form(lead_file=SimpleUploadedFile(name, data), lead_credit="x", lead_alt="y"),
        )
        assert response.status_code == 200
        assert "This file cannot be used" in response.content.decode()
    assert not Article.objects.exists() and not Picture.objects.exists()


def test_caption_credit_and_alt_of_a_library_picture_are_edited_in_place(client):
    picture, _ = picture_create_or_update(data=_jpeg(), filename="a.jpg", caption="Old")
    writer = staff(Role.WRITER)
    client.force_login(writer)
    client.post(reverse("newsroom:story_new"), _form(lead_picture=picture.pk))
    story = Article.objects.get()
    assert story.lead_picture == picture
    page = client.get(reverse("newsroom:story", kwargs={"pk": story.pk})).content.decode()
    assert "Describe the picture" in page  # preflight: the alt text is missing
    response = client.post(
        reverse("newsroom:story", kwargs={"pk": story.pk}),
        _form(
            opened_version=story.version,
            lead_picture=picture.pk,
            lead_caption="New caption",
            lead_credit="Mara Lind",
            lead_alt="Boats",
        ),
    )
    assert response.status_code == 302
    picture.refresh_from_db()
    assert (picture.caption, picture.credit, picture.alt_text) == (
        "New caption",
        "Mara Lind",
        "Boats",
    )


def test_saving_over_a_newer_version_is_refused_and_the_typed_text_stays(client):
    writer = staff(Role.WRITER)
    client.force_login(writer)
    client.post(reverse("newsroom:story_new"), _form())
    story = Article.objects.get()
    opened = story.version
    # Someone else saves in between.
    story.headline = "Their newer headline"
    services.article_save(article=story, by=staff(Role.EDITOR, "ed"))
    response = client.post(
        reverse("newsroom:story", kwargs={"pk": story.pk}),
        _form(opened_version=opened, headline="My late headline"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "ed" in page and "My late headline" in page
    story.refresh_from_db()
    assert story.headline == "Their newer headline"


def test_a_writer_may_not_save_a_colleagues_story(client):
    story = news_factories.article(publish=False, headline="Not yours")
    client.force_login(staff(Role.WRITER))
    response = client.post(
        reverse("newsroom:story", kwargs={"pk": story.pk}),
        _form(opened_version=story.version, headline="Taken over"),
    )
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.headline == "Not yours"


def test_an_editor_saves_a_live_story_only_as_a_typed_correction(client):
    story = news_factories.article(headline="Live story")
    client.force_login(staff(Role.EDITOR))
    url = reverse("newsroom:story", kwargs={"pk": story.pk})
    response = client.post(url, _form(opened_version=story.version, headline="Live story, fixed"))
    assert response.status_code == 200 and "choose the kind of change" in response.content.decode()
    response = client.post(
        url,
        _form(
            opened_version=story.version,
            headline="Live story, fixed",
            change_kind="correction",
            change_note="The vote was on Tuesday.",
        ),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Live story, fixed"
    assert AuditEntry.objects.filter(article=story, action="correct").exists()


def test_preflight_says_what_blocks_publishing_of_the_text_as_typed(client):
    client.force_login(staff(Role.WRITER))
    url = reverse("newsroom:story_preflight")
    found = client.post(url, {"headline": "", "body": ""}).json()["findings"]
    blocking = [f["message"] for f in found if f["blocking"]]
    assert "Add a headline." in blocking and "Choose a section." in blocking
    harbour = news_factories.section("Harbour")
    found = client.post(
        url, {"headline": "A headline", "body": "<p>Text.</p>", "section": harbour.pk}
    ).json()["findings"]
    assert not [f for f in found if f["blocking"]]


def test_labels_type_ahead_suggests_names_that_start_with_what_is_typed(client):
    for name in ("Ferries", "Ferry fares", "Lifeboats", "Car ferries"):
        services.tag_get_or_create(name=name)
    client.force_login(staff(Role.WRITER))
    found = client.get(reverse("newsroom:labels"), {"kind": "tags", "q": "ferr"}).json()
    assert found["results"] == ["Ferries", "Ferry fares", "Car ferries"]
    assert client.get(reverse("newsroom:labels"), {"kind": "users", "q": "a"}).json() == {
        "results": []
    }


def test_the_action_bar_offers_what_the_role_and_state_allow(client):
    writer = staff(Role.WRITER, "writer")
    editor = staff(Role.EDITOR, "editor")
    story = news_factories.article(publish=False, headline="Draft", created_by=writer)
    url = reverse("newsroom:story", kwargs={"pk": story.pk})
    client.force_login(writer)
    page = client.get(url).content.decode()
    assert ">Submit for review<" in page and ">Approve<" not in page
    client.post(reverse("newsroom:action"), {"article": story.pk, "action": "submit"})
    assert Workflow.objects.get(article=story).state == WorkflowState.IN_REVIEW
    page = client.get(url).content.decode()
    assert ">Submit for review<" not in page
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert ">Approve<" in page and ">Send back with a note<" in page and "Schedule" in page


def test_send_back_with_a_note_puts_it_in_the_thread_and_the_writer_replies(client):
    writer = staff(Role.WRITER, "writer")
    editor = staff(Role.EDITOR, "editor")
    story = news_factories.article(publish=False, headline="Draft", created_by=writer)
    client.force_login(writer)
    act = reverse("newsroom:action")
    client.post(act, {"article": story.pk, "action": "submit"})
    client.force_login(editor)
    here = reverse("newsroom:story", kwargs={"pk": story.pk})
    response = client.post(
        act,
        {
            "article": story.pk,
            "action": "return",
            "note": "Name the harbour master <b>please</b>.",
            "next": here,
        },
    )
    assert response["Location"] == here
    assert Workflow.objects.get(article=story).state == WorkflowState.DRAFT
    client.force_login(writer)
    page = client.get(reverse("newsroom:story", kwargs={"pk": story.pk})).content.decode()
    assert "Name the harbour master &lt;b&gt;please&lt;/b&gt;." in page
    client.post(reverse("newsroom:story_note", kwargs={"pk": story.pk}), {"text": "Done."})
    assert [(n.author_name, n.text, n.action) for n in Note.objects.filter(article=story)] == [
        ("editor", "Name the harbour master <b>please</b>.", "return"),
        ("writer", "Done.", ""),
    ]
    assert AuditEntry.objects.filter(article=story, action="note", actor=writer).exists()


def test_a_writer_may_not_write_notes_on_a_colleagues_story(client):
    story = news_factories.article(publish=False)
    client.force_login(staff(Role.WRITER))
    client.post(reverse("newsroom:story_note", kwargs={"pk": story.pk}), {"text": "Mine now"})
    assert not Note.objects.exists()


def test_an_editor_assigns_a_story_and_the_assignee_may_write_notes_on_it(client):
    writer = staff(Role.WRITER, "writer")
    other = staff(Role.WRITER, "other")
    story = news_factories.article(publish=False, created_by=writer)
    client.force_login(staff(Role.EDITOR, "editor"))
    client.post(reverse("newsroom:story_assign", kwargs={"pk": story.pk}), {"to": other.pk})
    assert Workflow.objects.get(article=story).assigned_to == other
    entry = AuditEntry.objects.get(article=story, action="assign")
    assert entry.detail == {"to": "other"}
    client.force_login(other)
    client.post(reverse("newsroom:story_note", kwargs={"pk": story.pk}), {"text": "On it."})
    assert Note.objects.filter(article=story, author=other).exists()
    # Writers do not assign.
    client.post(reverse("newsroom:story_assign", kwargs={"pk": story.pk}), {"to": ""})
    assert Workflow.objects.get(article=story).assigned_to == other
    # The assignee finds it under Needs me.
    needs_me = client.get(reverse("newsroom:queue"), {"view": "needs-me"}).content.decode()
    assert f'href="/newsroom/story/{story.pk}/"' in needs_me


def test_the_history_shows_actions_notes_and_revisions_side_by_side(client):
    writer = staff(Role.WRITER, "writer")
    client.force_login(writer)
    client.post(reverse("newsroom:story_new"), _form(body="<p>The board met on Monday.</p>"))
    story = Article.objects.get()
    client.post(
        reverse("newsroom:story", kwargs={"pk": story.pk}),
        _form(
            opened_version=story.version,
            body="<p>The board met on Tuesday.</p><p>A <script>x</script> new paragraph.</p>",
        ),
    )
    client.post(reverse("newsroom:story_note", kwargs={"pk": story.pk}), {"text": "Ready soon"})
    page = client.get(reverse("newsroom:story_history", kwargs={"pk": story.pk})).content.decode()
    assert "<del>Monday.</del>" in page and "<ins>Tuesday.</ins>" in page
    assert "<script>" not in page.split("<main")[1]
    assert "wrote a note" in page and "Ready soon" in page and "saved version 1" in page


def _xss(shared_dir, limit=150) -> list[str]:
    lines: dict[str, None] = {}
    for path in sorted((Path(shared_dir) / "corpora" / "security" / "xss").glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            line = line.rstrip("\r")
            if "<" in line and len(line) <= 200:
                lines[line] = None
    assert lines
    return list(lines)[:limit]


def test_hostile_words_are_shown_as_words_on_the_desk_and_in_the_preview(client, shared_dir):
    from dateline.news.preview import preview_url

    writer = staff(Role.WRITER, "writer")
    client.force_login(writer)
    payloads = _xss(shared_dir)
    for i in range(0, len(payloads), 30):
        chunk = payloads[i : i + 30]
        client.post(
            reverse("newsroom:story_new"),
            _form(
                headline=chunk[0],
                standfirst=" ".join(chunk[1:10]),
                social_headline=chunk[10][:200],
                social_description=chunk[11][:300],
                tags=chunk[12].replace(",", " ")[:100],
            ),
        )
        story = Article.objects.get(headline=chunk[0].strip())
        for text in chunk[13:]:
            client.post(reverse("newsroom:story_note", kwargs={"pk": story.pk}), {"text": text})
        pages = [
            client.get(reverse("newsroom:story", kwargs={"pk": story.pk})).content.decode(),
            client.get(reverse("newsroom:story_history", kwargs={"pk": story.pk})).content.decode(),
            client.get(preview_url(story)).content.decode(),
        ]
        for page in pages:
            for payload in chunk:
                assert payload not in page, payload


@pytest.mark.parametrize("size", [1, 4])
def test_the_writing_screen_and_history_read_a_fixed_number_of_queries(
    client, django_assert_num_queries, size
):
    from dateline.newsroom.actions.notes import note_add

    writer = staff(Role.WRITER, "writer")
    story = news_factories.article(
        publish=False, created_by=writer, section_obj=news_factories.section("Harbour")
    )
    picture, _ = picture_create_or_update(data=_jpeg(), filename="a.jpg", credit="c", alt_text="a")
    story.lead_picture = picture
    news_factories.save(
        story,
        authors=[services.author_get_or_create(name=f"Author {i}") for i in range(size)],
        tags=[services.tag_get_or_create(name=f"Tag {i}") for i in range(size)],
        topics=[services.topic_get_or_create(kind="place", name=f"Place {i}") for i in range(size)],
    )
    for i in range(size):
        note_add(article=story, by=writer, text=f"Note {i}")
    client.force_login(writer)
    url = reverse("newsroom:story", kwargs={"pk": story.pk})
    client.get(url)  # the first visit records presence; later ones update it
    # Session and user (2), roles (1), the story with its section, lead picture, workflow
    # and assignee (1), presence (5: read and update in a savepoint, the others), authors,
    # tags, topics (3), the publication (1), preflight's pictures (1), notes (1), the
    # section choices (1); an editor's screen adds the people to assign (1).
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(8):
        client.get(reverse("newsroom:story_history", kwargs={"pk": story.pk}))
