"""The newsroom's lists and pickers search through the same index as readers, with the
desk's visibility: drafts, scheduled and unpublished stories too, and the word being typed
matching as a prefix. Same cases on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from dateline.core import clock
from dateline.news.tests import factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(staff(Role.EDITOR))
    return client


def _headlines(response) -> list[str]:
    return [row["headline"] for row in response.json()["results"]]


def test_also_read_picker_finds_drafts_and_scheduled_by_any_word_as_typed(editor):
    factories.article(
        headline="Kingfisher returns", body="<p>Birds on the river.</p>", publish=False
    )
    later = factories.article(
        headline="River festival", body="<p>Boats and kingfishers.</p>", publish=False
    )
    factories.publish(later, at=clock.now() + dt.timedelta(days=1))
    factories.article(headline="Unrelated", body="<p>Nothing.</p>")
    assert set(_headlines(editor.get("/newsroom/stories/", {"q": "kingf"}))) == {
        "Kingfisher returns",
        "River festival",
    }
    assert _headlines(editor.get("/newsroom/stories/", {"q": "festival"})) == ["River festival"]


def test_pin_search_finds_published_and_scheduled_stories_but_not_drafts(editor):
    factories.article(headline="Lighthouse draft", publish=False)
    factories.article(headline="Lighthouse live")
    soon = factories.article(headline="Lighthouse soon", publish=False)
    factories.publish(soon, at=clock.now() + dt.timedelta(hours=2))
    page = editor.get("/newsroom/front/", {"q": "lighthouse"}).content.decode()
    assert "Lighthouse live" in page and "Lighthouse soon" in page
    assert "Lighthouse draft" not in page


def test_picture_picker_searches_caption_credit_and_alt_text(editor):
    Picture.objects.create(
        file="pictures/a.jpg", width=10, height=10, caption="Ferries at dawn", credit="ANI"
    )
    Picture.objects.create(
        file="pictures/b.jpg", width=10, height=10, caption="Market", alt_text="Crêpe stall"
    )
    Picture.objects.create(
        file="pictures/c.jpg", width=10, height=10, caption="Council", credit="Reuters"
    )

    def captions(q):
        rows = editor.get("/newsroom/pictures/", {"q": q}).json()["results"]
        return sorted(row["caption"] for row in rows)

    assert captions("ferr") == ["Ferries at dawn"]
    assert captions("reuters") == ["Council"]
    assert captions("crepe") == ["Market"]
    assert captions("dawn -ferries") == []
    picture = Picture.objects.get(caption="Council")
    picture.caption = "Town hall"
    picture.save()
    assert captions("council") == []
    assert captions("town") == ["Town hall"]


def test_desk_queue_searches_the_whole_desk(editor):
    factories.article(headline="Tramway plans", body="<p>The trams return.</p>", publish=False)
    factories.article(headline="Bus timetable")
    page = editor.get("/newsroom/", {"q": "tram"}).content.decode()
    assert "Tramway plans" in page and "Bus timetable" not in page


def test_admin_story_list_searches_text_and_source_ids(client):
    user = staff(Role.ADMIN)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    factories.article(headline="Ferry strike", body="<p>Crossings cancelled.</p>", publish=False)
    factories.article(headline="Other", source="ninjs", source_id="urn:x:42", publish=False)
    page = client.get("/admin/news/article/", {"q": "crossing"}).content.decode()
    assert "Ferry strike" in page and ">Other<" not in page
    page = client.get("/admin/news/article/", {"q": "urn:x:42"}).content.decode()
    assert ">Other<" in page and "Ferry strike" not in page


@pytest.mark.engine("postgresql")
def test_a_typed_word_every_story_holds_is_planned_as_common_not_guessed_rare():
    # PostgreSQL estimates a prefix ("harbour:*") from its statistics only when they hold
    # a hundred words or more, and guesses 2 % otherwise: a search's windows then built a
    # GIN bitmap of the whole archive instead of reading their newest stories (the desk's
    # search of a million copies of one story, 2.3 s).
    from django.db import connection

    from dateline.search.backends import postgres
    from dateline.search.query import parse

    for i in range(40):
        factories.article(headline=f"Harbour notes {i % 3}", body="<p>Boats.</p>", publish=False)
    tsquery, params = postgres._tsquery(parse("harbour", prefix=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument d "
            f"WHERE d.ranked @@ {tsquery}",
            params,
        )
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    assert plan["Plan"]["Plan Rows"] >= 30
