"""The front-page screen: editors pin, order and unpin the lead, top stories and Don't Miss;
pinned stories beat automatic fill and no story shows twice."""

from __future__ import annotations

import pytest

from dateline.news.selectors import front_page
from dateline.news.tests import factories as news_factories
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


def _pin(client, key, article, op="add"):
    return client.post("/newsroom/front/", {"list": key, "article": article.pk, "op": op})


# Committed for real: readers' lists are the process's memos, dropped when a change's tags
# are bumped after its commit (pagecache.versions.invalidate), as on the site.
@pytest.mark.django_db(transaction=True)
def test_editor_pins_orders_and_unpins_and_readers_see_it(client):
    section = news_factories.section("Harbour")
    # The factory publishes each story a minute before the one made before it.
    newest = news_factories.article(headline="Storm warning", section_obj=section)
    old, older, oldest = (
        news_factories.article(headline=h, section_obj=section)
        for h in ("Pier reopens", "Lock gates repaired", "Ferry fares frozen")
    )
    client.force_login(staff(Role.EDITOR))
    assert front_page().lead.pk == newest.pk  # automatic: the newest story

    found = client.get("/newsroom/front/?q=ferry").content.decode()
    assert "Ferry fares frozen" in found and "Pin to Lead story" in found
    assert _pin(client, "lead", oldest).status_code == 302
    for story in (older, old):
        _pin(client, "top", story)
    _pin(client, "top", old, op="up")
    _pin(client, "dont-miss", oldest)  # also the lead: shown once, as the lead

    page = front_page()
    assert page.lead.pk == oldest.pk
    assert [a.pk for a in page.top[:2]] == [old.pk, older.pk]
    shown = [page.lead.pk, *(a.pk for a in page.top), *(a.pk for a in page.dont_miss)]
    shown += [a.pk for _, stories in page.blocks for a in stories] + [a.pk for a in page.latest]
    assert len(shown) == len(set(shown))
    html = client.get("/").content.decode()
    assert html.count(">Ferry fares frozen<") == 1

    _pin(client, "lead", oldest, op="remove")
    assert front_page().lead.pk == newest.pk
    screen = client.get("/newsroom/front/").content.decode()
    assert "Nothing pinned: filled automatically." in screen
    assert AuditEntry.objects.filter(action="curate").count() == 6


@pytest.mark.django_db
def test_curation_refusals_are_messages(client):
    story = news_factories.article(headline="Pier reopens")
    client.force_login(staff(Role.EDITOR))
    response = client.post(
        "/newsroom/front/", {"list": "sidebar", "article": story.pk, "op": "add"}, follow=True
    )
    assert "not a front-page list" in response.content.decode()
    client.force_login(staff(Role.WRITER))
    assert _pin(client, "lead", story).status_code == 403
