"""Live coverage through the one door: who may post, what is kept of what they post, the
audit, and two editors posting at once. On PostgreSQL the two posts run at once on two
real connections; SQLite serialises writers, so there they run one after the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dateline.live.models import LiveCoverage, LiveEntry
from dateline.live.tests.factories import go_live, post
from dateline.news.tests import factories
from dateline.newsroom.actions import live as actions
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


@pytest.fixture
def story(db):
    return go_live(factories.article(headline="Storm reaches the coast"))


@pytest.mark.django_db
def test_an_editor_posts_edits_pins_and_deletes_and_each_is_audited(story):
    editor = staff(Role.EDITOR, "ann")
    editor.first_name, editor.last_name = "Ann", "Byrne"
    editor.save()
    entry = actions.live_entry_add(article=story, by=editor, text="Gusts of 80 mph.")
    assert entry.body == "<p>Gusts of 80 mph.</p>" and entry.byline == "Ann Byrne"
    actions.live_entry_edit(entry=entry, by=editor, text="Gusts of 90 mph.", title="Gusts")
    actions.live_entry_pin(entry=entry, by=editor)
    actions.live_entry_delete(entry=entry, by=editor)
    actions.live_end(article=story, by=editor)
    done = list(
        AuditEntry.objects.filter(article=story, actor=editor)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert done == [
        "live_entry_add",
        "live_entry_edit",
        "live_entry_pin",
        "live_entry_delete",
        "live_end",
    ]
    assert not LiveEntry.objects.filter(article=story).exists()
    assert LiveCoverage.objects.get(pk=story.pk).ended_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.WRITER, Role.WIRE])
def test_only_editors_post_to_a_live_story(story, role):
    # An entry goes to readers at once, without review: a writer is not an editor.
    person = staff(role)
    with pytest.raises(ActionRefused):
        actions.live_entry_add(article=story, by=person, text="Not mine to post.")
    with pytest.raises(ActionRefused):
        actions.live_start(article=factories.article(), by=person)
    entry = post(story, "Posted by the desk.")
    for act in (
        lambda: actions.live_entry_edit(entry=entry, by=person, text="Changed."),
        lambda: actions.live_entry_delete(entry=entry, by=person),
        lambda: actions.live_entry_pin(entry=entry, by=person),
        lambda: actions.live_end(article=story, by=person),
    ):
        with pytest.raises(ActionRefused):
            act()
    assert LiveEntry.objects.get(pk=entry.pk).body == "<p>Posted by the desk.</p>"


@pytest.mark.django_db
def test_no_entry_before_coverage_starts_or_after_it_ends():
    story = factories.article()
    with pytest.raises(ActionRefused, match="Start live coverage"):
        post(story, "Too early.")
    go_live(story)
    post(story, "Now.")
    actions.live_end(article=story, by=factories.desk())
    with pytest.raises(ActionRefused, match="Start live coverage"):
        post(story, "Too late.")
    go_live(story)  # started again
    post(story, "Back on.")
    assert LiveEntry.objects.filter(article=story).count() == 2


@pytest.mark.django_db
def test_an_entry_is_sanitised_as_a_story_body_is(story):
    entry = post(
        story,
        '<p onclick="steal()">Wind <script>alert(1)</script><strong>rising</strong>'
        '<a href="javascript:alert(2)">x</a></p><iframe src="https://evil.example/"></iframe>',
    )
    assert "script" not in entry.body and "onclick" not in entry.body
    assert "javascript:" not in entry.body and "iframe" not in entry.body
    assert "<strong>rising</strong>" in entry.body


@pytest.mark.django_db
def test_plain_text_becomes_paragraphs_and_a_picture_and_an_embed_are_references(story):
    from dateline.pictures.models import Picture

    picture = Picture.objects.create(file="x.jpg", width=800, height=600, caption="Waves")
    entry = post(
        story,
        "Line one\nline two.\n\nSecond <paragraph> & more.",
        picture=picture,
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    assert entry.body.startswith(
        "<p>Line one<br>line two.</p><p>Second &lt;paragraph&gt; &amp; more.</p>"
    )
    assert f'<figure data-picture="{picture.pk}"></figure>' in entry.body
    assert 'data-embed="youtube"' in entry.body
    with pytest.raises(ActionRefused, match="embed"):
        post(story, "Bad embed.", embed_url="https://evil.example/video")
    with pytest.raises(ActionRefused, match="needs some text"):
        post(story, "<script>only()</script>")


@pytest.mark.django_db
def test_pinning_an_entry_unpins_the_one_before(story):
    first = post(story, "First.", pinned=True)
    second = post(story, "Second.")
    actions.live_entry_pin(entry=second, by=factories.desk())
    pinned = list(LiveEntry.objects.filter(article=story, pinned=True).values_list("pk", flat=True))
    assert pinned == [second.pk]
    third = post(story, "Third.", pinned=True)
    pinned = list(LiveEntry.objects.filter(article=story, pinned=True).values_list("pk", flat=True))
    assert pinned == [third.pk] and first.pk not in pinned


def _post_many(article_id: int, who, count: int, barrier, failures: list) -> None:
    from dateline.news.models import Article

    try:
        article = Article.objects.get(pk=article_id)
        if barrier is not None:
            barrier.wait(timeout=30)
        for n in range(count):
            actions.live_entry_add(article=article, by=who, text=f"{who.username} {n}")
    except Exception as exc:  # a failure in a thread must fail the test
        failures.append(repr(exc))
    finally:
        if barrier is not None:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_editors_posting_at_once_both_land_in_order():
    story = go_live(factories.article(headline="Storm reaches the coast"))
    ann, bob = staff(Role.EDITOR, "ann"), staff(Role.EDITOR, "bob")
    failures: list[str] = []
    each = 10
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=_post_many, args=(story.pk, who, each, barrier, failures))
            for who in (ann, bob)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    else:
        _post_many(story.pk, ann, each, None, failures)
        _post_many(story.pk, bob, each, None, failures)
    assert not failures, failures
    entries = list(LiveEntry.objects.filter(article=story).order_by("posted_at", "pk"))
    assert len(entries) == 2 * each
    assert {e.body for e in entries} == {
        f"<p>{who} {n}</p>" for who in ("ann", "bob") for n in range(each)
    }
    # Ids follow times: a page that has seen an entry has seen every earlier one, so
    # asking for what came after its newest id misses nothing.
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    for who in ("ann", "bob"):
        own = [e.body for e in entries if e.body.startswith(f"<p>{who} ")]
        assert own == [f"<p>{who} {n}</p>" for n in range(each)]
    assert AuditEntry.objects.filter(article=story, action="live_entry_add").count() == 2 * each


@pytest.mark.django_db
def test_only_an_importer_keeps_an_entry_s_earlier_time():
    import datetime as dt

    from dateline.core import clock
    from dateline.newsroom.actors import importer_actor

    story = factories.article()
    importer = importer_actor("demo")
    hour_ago = clock.now() - dt.timedelta(hours=1)
    with pytest.raises(ActionRefused, match="only an importer"):
        actions.live_start(article=story, by=staff(Role.EDITOR), at=hour_ago)
    actions.live_start(article=story, by=importer, at=hour_ago)
    earlier = hour_ago + dt.timedelta(minutes=5)
    with pytest.raises(ActionRefused, match="only an importer"):
        actions.live_entry_add(
            article=story, by=staff(Role.EDITOR, "ed"), text="Backdated.", at=earlier
        )
    entry = actions.live_entry_add(article=story, by=importer, text="Kept.", at=earlier)
    assert entry.posted_at == earlier
    # Never before the newest entry: ids and times keep agreeing.
    with pytest.raises(ActionRefused, match="after the story's newest"):
        actions.live_entry_add(
            article=story, by=importer, text="Too early.", at=earlier - dt.timedelta(1)
        )
