"""A takedown sticks, and the desk's edits are never overwritten by the wire: the scenario
files are three versions of one agency item (fixtures/wire/takedown/v1–v3.json)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.wire import wire_poll
from dateline.news.models import Article, Status
from dateline.news.tests import factories
from dateline.newsroom.actions.publication import article_correct, article_schedule
from dateline.newsroom.actions.workflow import article_approve, article_unpublish
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

VERSIONS = Path(__file__).parent / "fixtures" / "wire" / "takedown"
HEADLINES = {
    1: "Marina developer fined over unsafe pontoons",
    2: "Marina developer fined over unsafe pontoons, names director",
    3: "Marina developer fined over unsafe pontoons; appeal lodged",
}


@pytest.fixture
def agency(tmp_path):
    folder = tmp_path / "northwire"
    folder.mkdir()
    source = WireSource.objects.create(
        name="Northwire",
        kind="folder",
        location=str(folder),
        format="ninjs",
        publish_directly=True,
        default_section=factories.section("Courts"),
    )

    def send(version: int):
        shutil.copy(VERSIONS / f"v{version}.json", folder / "item.json")
        report = wire_poll(source=source)
        assert report.failed == 0, [r.line() for r in report.results]
        return report.results[0].line()

    return source, send


@pytest.mark.django_db
def test_a_story_the_desk_took_down_stays_down_whatever_the_agency_sends(agency, client):
    source, send = agency
    send(1)
    story = Article.objects.get(source=source.article_source)
    assert story.is_visible
    published = AuditEntry.objects.get(article=story, action="publish")
    assert published.actor is None and published.actor_name == "wire source Northwire"

    editor = staff(Role.EDITOR)
    article_unpublish(article=story, by=editor, note="legal: the director may not be named")
    lines = [send(2), send(3)]

    assert all("held" in line for line in lines), lines
    story.refresh_from_db()
    assert story.status == Status.DRAFT and not story.is_visible
    assert story.headline == HEADLINES[1]  # not even the text moved
    assert client.get(story.get_absolute_url()).status_code == 404
    item = WireItem.objects.get(source=source)
    assert item.status == WireItem.Status.HELD
    # The newest version is kept for the desk, as a proposal it can read and take.
    proposal = story.revisions.get(pending=True)
    assert proposal.headline == HEADLINES[3]
    held = AuditEntry.objects.filter(article=story, action="held")
    assert [e.actor_name for e in held] == ["wire source Northwire"] * 2
    client.force_login(editor)
    desk = client.get("/newsroom/wire/").content.decode()
    assert "Held" in desk and HEADLINES[3] in desk

    # Only a person puts it back: the editor takes version 3 and publishes it.
    article_approve(article=story, by=editor)
    article_schedule(article=story, by=editor)
    story.refresh_from_db()
    assert story.is_visible and story.headline == HEADLINES[3]
    assert story.workflow.taken_down is False


@pytest.mark.django_db
def test_a_withdrawn_story_stays_withdrawn_when_the_agency_sends_again(agency):
    from dateline.newsroom.actions.publication import article_withdraw

    source, send = agency
    send(1)
    story = Article.objects.get(source=source.article_source)
    article_withdraw(article=story, by=staff(Role.EDITOR), note="legal")
    assert "held" in send(2)
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN and story.headline == HEADLINES[1]


@pytest.mark.django_db
def test_a_new_version_of_a_live_story_the_desk_edited_goes_to_review(agency):
    source, send = agency
    send(1)
    story = Article.objects.get(source=source.article_source)
    editor = staff(Role.EDITOR)
    story.headline = "Marina developer fined £40,000 over pontoons"
    article_correct(article=story, by=editor, kind="typo")

    assert "proposal" in send(2)

    story.refresh_from_db()
    assert story.is_visible and story.headline == "Marina developer fined £40,000 over pontoons"
    assert story.revisions.get(pending=True).headline == HEADLINES[2]
    assert WireItem.objects.get(source=source).status == WireItem.Status.PROPOSED
    entry = AuditEntry.objects.filter(article=story).first()
    assert (entry.action, entry.actor_name) == ("propose", "wire source Northwire")


@pytest.mark.django_db
def test_a_new_version_of_a_live_story_nobody_edited_updates_it_with_an_audit_entry(agency):
    source, send = agency
    send(1)
    send(2)
    story = Article.objects.get(source=source.article_source)
    assert story.is_visible and story.headline == HEADLINES[2]
    update = AuditEntry.objects.filter(article=story, action="update").get()
    assert update.actor_name == "wire source Northwire"
