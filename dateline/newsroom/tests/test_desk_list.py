"""What the story list shows: the saved views (Needs me, Today), search with drafts,
the holder of each story, and pages that stay put."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine

from dateline.core import clock
from dateline.news.models import Publication
from dateline.news.tests import factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import Presence, Workflow
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db


def _headlines(client, query: str = "") -> list[str]:
    page = client.get(f"/newsroom/{query}").content.decode()
    return [
        html.unescape(h) for h in re.findall(r'<a href="/newsroom/story/\d+/">([^<]+)</a>', page)
    ]


def _draft(headline: str, writer, **fields):
    return factories.article(
        headline=headline,
        publish=False,
        section_obj=factories.section("Harbour"),
        created_by=writer,
        **fields,
    )


def test_needs_me_holds_my_drafts_what_came_back_what_is_assigned_and_what_to_review(client):
    wendy, oscar, edith = (
        staff(Role.WRITER, "wendy"),
        staff(Role.WRITER, "oscar"),
        staff(Role.EDITOR, "edith"),
    )
    _draft("Wendy's draft", wendy)
    sent = _draft("Sent back to Wendy", wendy)
    actions.article_submit(article=sent, by=wendy)
    actions.article_return(article=sent, by=edith, note="Check the figures")
    waiting = _draft("Wendy's story in review", wendy)
    actions.article_submit(article=waiting, by=wendy)
    _draft("Oscar's draft", oscar)
    assigned = _draft("Oscar's, assigned to Wendy", oscar)
    Workflow.objects.update_or_create(article=assigned, defaults={"assigned_to": wendy})
    factories.article(headline="Someone's live story")

    client.force_login(wendy)
    assert set(_headlines(client, "?view=needs-me")) == {
        "Wendy's draft",
        "Sent back to Wendy",
        "Oscar's, assigned to Wendy",
    }
    client.force_login(edith)
    assert _headlines(client, "?view=needs-me") == ["Wendy's story in review"]


def test_today_is_what_went_live_today_and_what_is_scheduled_in_time_order(client):
    publication = Publication.load()
    publication.time_zone = "Pacific/Auckland"
    publication.save()
    # 09:00 in Auckland: its day began at 11:00 UTC the day before.
    now = dt.datetime(2026, 6, 10, 21, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        client.force_login(staff(Role.EDITOR))
        factories.article(headline="Before the day", published_at=now - dt.timedelta(hours=11))
        factories.article(headline="Early today", published_at=now - dt.timedelta(hours=8))
        factories.article(headline="Just now", published_at=now - dt.timedelta(minutes=5))
        later = factories.article(headline="This afternoon", publish=False)
        factories.publish(later, at=now + dt.timedelta(hours=5))
        factories.article(headline="A draft", publish=False)
        assert _headlines(client, "?view=today") == ["Early today", "Just now", "This afternoon"]


def test_search_finds_drafts_by_their_text(client):
    wendy = staff(Role.WRITER, "wendy")
    _draft("Quay works", wendy, body="<p>The kingfisher nests under the quay.</p>")
    factories.article(headline="Live and unrelated")
    client.force_login(wendy)
    assert _headlines(client, "?q=kingfisher") == ["Quay works"]
    assert _headlines(client, "?q=kingfisher&state=live") == []


def test_the_holder_is_who_has_it_open_else_the_assignee_else_its_writer(client):
    wendy, edith = staff(Role.WRITER, "wendy"), staff(Role.EDITOR, "edith")
    story = _draft("Held story", wendy)
    client.force_login(edith)
    page = client.get("/newsroom/").content.decode()
    assert '<td data-label="With">wendy</td>' in page
    Workflow.objects.update_or_create(article=story, defaults={"assigned_to": edith})
    page = client.get("/newsroom/").content.decode()
    assert '<td data-label="With">Assigned to edith</td>' in page
    Presence.objects.create(article=story, user=wendy, seen_at=clock.now())
    page = client.get("/newsroom/").content.decode()
    assert '<td data-label="With">Open by wendy</td>' in page


def test_a_malformed_cursor_is_a_404_and_pages_keep_their_stories(client):
    client.force_login(staff(Role.EDITOR))
    for n in range(55):
        factories.article(headline=f"Story {n:02}", publish=False)
    assert client.get("/newsroom/?older=nonsense").status_code == 404
    first = client.get("/newsroom/").content.decode()
    older = re.search(r'href="\?([^"]*older=[^"]*)"', first).group(1).replace("&amp;", "&")
    factories.article(headline="Arrived since", publish=False)
    second = _headlines(client, f"?{older}")
    assert len(second) == 5 and "Arrived since" not in second
    back = client.get(f"/newsroom/?{older}").content.decode()
    newer = re.search(r'href="\?([^"]*newer=[^"]*)"', back).group(1).replace("&amp;", "&")
    assert "Arrived since" not in _headlines(client, f"?{newer}")
