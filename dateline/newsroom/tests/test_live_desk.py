"""The live desk screen (/newsroom/live/<story id>/): editors start coverage, post, edit,
pin and delete entries and end it, without JavaScript; everyone else is refused."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from dateline.live.models import LiveCoverage, LiveEntry
from dateline.news.tests import factories
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db


def _desk(story) -> str:
    return f"/newsroom/live/{story.pk}/"


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_the_live_desk_posts_through_the_actions_and_is_audited(client):
    editor = staff(Role.EDITOR)
    story = factories.article(headline="Storm reaches the coast")
    client.force_login(editor)
    assert b"Start live coverage" in client.get(_desk(story)).content
    client.post(_desk(story), {"op": "start"})
    response = client.post(
        _desk(story),
        {"op": "add", "title": "Quay road shut", "text": "Trees down.", "key_event": "1"},
    )
    assert response.status_code == 302 and not _errors(response)
    entry = LiveEntry.objects.get(article=story)
    assert (entry.title, entry.body, entry.key_event) == (
        "Quay road shut",
        "<p>Trees down.</p>",
        True,
    )
    client.post(_desk(story), {"op": "edit", "entry": entry.pk, "text": "Two trees down."})
    client.post(_desk(story), {"op": "pin", "entry": entry.pk})
    page = client.get(_desk(story)).content.decode()
    assert "Two trees down." in page and "Unpin entry" in page
    client.post(_desk(story), {"op": "delete", "entry": entry.pk})
    client.post(_desk(story), {"op": "end"})
    assert not LiveEntry.objects.filter(article=story).exists()
    assert not LiveCoverage.objects.get(pk=story.pk).is_live
    actions = AuditEntry.objects.filter(article=story, actor=editor).values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        [
            "live_start",
            "live_entry_add",
            "live_entry_edit",
            "live_entry_pin",
            "live_entry_delete",
            "live_end",
        ]
    )


def test_the_desk_says_why_when_an_action_is_refused(client):
    client.force_login(staff(Role.EDITOR))
    story = factories.article()
    response = client.post(_desk(story), {"op": "add", "text": "Too early."})
    assert response.status_code == 302
    assert _errors(response)[-1] == "Start live coverage of this story before posting to it."
    client.post(_desk(story), {"op": "start"})
    response = client.post(_desk(story), {"op": "add", "text": "x", "picture": "999999"})
    assert _errors(response)[-1] == "There is no picture 999999 in the library."
    other = factories.article()
    entry_elsewhere = LiveEntry.objects.create(
        article=other, posted_at=other.published_at, body="<p>x</p>"
    )
    response = client.post(_desk(story), {"op": "delete", "entry": entry_elsewhere.pk})
    assert _errors(response)[-1] == "No such entry on this story."
    assert LiveEntry.objects.filter(pk=entry_elsewhere.pk).exists()


@pytest.mark.parametrize("role", [None, Role.WRITER, Role.WIRE])
def test_only_editors_open_the_live_desk(client, role):
    story = factories.article()
    client.force_login(staff(role))
    assert client.get(_desk(story)).status_code == 403
    assert client.post(_desk(story), {"op": "start"}).status_code == 403
    assert not LiveCoverage.objects.filter(pk=story.pk).exists()


def test_the_live_desk_of_an_unknown_story_is_a_404(client):
    client.force_login(staff(Role.EDITOR))
    assert client.get("/newsroom/live/999999/").status_code == 404


def test_the_queue_links_editors_to_each_story_s_live_desk(client):
    story = factories.article(publish=False)
    client.force_login(staff(Role.EDITOR))
    assert f'href="/newsroom/live/{story.pk}/"' in client.get("/newsroom/").content.decode()
    client.force_login(staff(Role.WRITER, "a-writer"))
    assert "/newsroom/live/" not in client.get("/newsroom/").content.decode()
