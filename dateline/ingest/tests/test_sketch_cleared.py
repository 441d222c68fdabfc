"""A wire item's sketch stands for its story's text without the text being read
(`DuplicateIndex`): every way a story's text changes clears it, in the database."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from dateline.ingest import wire
from dateline.ingest.duplicates import sketch
from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.tests.test_apply import NinjsFile
from dateline.ingest.wire import wire_poll
from dateline.news.models import Article, Correction
from dateline.news.tests import factories
from dateline.newsroom.actions.publication import article_correct, article_edit
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.newsroom.tests.test_admin_roles import FORM

BRIDGE_VOTE = (
    Path(__file__).parent / "fixtures" / "wire" / "duplicates" / "bridge-vote-first-agency.json"
)
EDITED = "<p>The council put the vote on the second bridge back to the spring.</p>"


def _filed(article: Article, tmp_path) -> WireItem:
    source = WireSource.objects.create(
        name="agency", kind="folder", location=str(tmp_path), format="feed"
    )
    now = timezone.now()
    return WireItem.objects.create(
        source=source,
        guid="one",
        version="1",
        article=article,
        fingerprint=1,
        sketch=sketch(article.headline, article.body),
        received_at=now,
        updated_at=now,
    )


def _desk(article, client):
    article.body = EDITED
    article_edit(article=article, by=staff(Role.EDITOR))


def _correction(article, client):
    article.body = EDITED
    article_correct(article=article, by=staff(Role.EDITOR), kind=Correction.Kind.TYPO)


def _admin(article, client):
    client.force_login(staff(Role.EDITOR))
    form = {
        **FORM,
        "headline": article.headline,
        "slug": article.slug,
        "body": EDITED,
        "change_kind": Correction.Kind.TYPO,
    }
    response = client.post(
        f"/admin/news/article/{article.pk}/change/", {**form, "opened_version": article.version}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def _bulk(article, client):
    Article.objects.filter(pk=article.pk).update(headline="Bridge vote put back")


@pytest.mark.django_db
@pytest.mark.parametrize("edit", [_desk, _correction, _admin, _bulk])
def test_an_edit_of_the_story_clears_its_items_sketch(edit, client, tmp_path):
    article = factories.article(headline="Council votes on the second bridge")
    item = _filed(article, tmp_path)
    edit(Article.objects.get(pk=article.pk), client)
    assert Article.objects.get(pk=article.pk).body == EDITED or edit is _bulk
    item.refresh_from_db()
    assert item.sketch is None


@pytest.mark.django_db
def test_an_imports_update_of_the_story_clears_its_items_sketch(tmp_path):
    ninjs = NinjsFile()
    ninjs.bring(1)
    item = _filed(ninjs.story(), tmp_path)
    assert ninjs.bring(2).outcome == "updated"
    item.refresh_from_db()
    assert item.sketch is None


@pytest.mark.django_db
def test_a_save_that_leaves_the_text_alone_keeps_the_sketch(tmp_path):
    article = factories.article(headline="Council votes on the second bridge")
    item = _filed(article, tmp_path)
    article.standfirst = "A standfirst only."
    article_edit(article=article, by=staff(Role.EDITOR))
    item.refresh_from_db()
    assert bytes(item.sketch) == sketch(article.headline, article.body)


@pytest.mark.django_db
def test_the_migration_clears_the_sketches_kept_from_before_the_trigger(tmp_path):
    # Ingest 0004's data step, on sketches stored before the trigger: one made from the
    # story's text as it is stays, one made from a text since edited is cleared, and an
    # item with no story is left as it is.
    migration = importlib.import_module("dateline.ingest.migrations.0004_sketch_cleared_on_edit")
    kept = _filed(factories.article(headline="Council votes on the second bridge"), tmp_path)
    edited = factories.article(headline="Harbour dredging starts in May")
    stale = WireItem.objects.create(
        source=kept.source,
        guid="two",
        version="1",
        article=edited,
        fingerprint=2,
        sketch=sketch("Harbour dredging put off", edited.body),
        received_at=kept.received_at,
        updated_at=kept.updated_at,
    )
    untold = WireItem.objects.create(
        source=kept.source,
        guid="three",
        version="1",
        fingerprint=3,
        sketch=sketch("Flash", ""),
        received_at=kept.received_at,
        updated_at=kept.updated_at,
    )
    migration._stale_cleared(apps, None)
    for item in (kept, stale, untold):
        item.refresh_from_db()
    assert bytes(kept.sketch) == sketch(kept.article.headline, kept.article.body)
    assert stale.sketch is None
    assert bytes(untold.sketch) == sketch("Flash", "")


@pytest.mark.django_db
def test_a_wire_update_that_leaves_the_story_alone_keeps_the_sketch_an_edit_cleared(
    tmp_path, monkeypatch
):
    # The poll reads its items, sketches and all, before it applies them: an editor's edit
    # in between clears the item's sketch in the database, and the update, which leaves
    # the story alone, must not store the stale one it read.
    folder = tmp_path / "northwire"
    folder.mkdir()
    shutil.copy(BRIDGE_VOTE, folder / "item.json")
    source = WireSource.objects.create(
        name="Northwire", kind="folder", location=str(folder), format="ninjs"
    )
    wire_poll(source=source)
    item = WireItem.objects.get(source=source)
    assert item.sketch is not None
    # The story has the version already (only the item's version lags): the update leaves
    # the story alone and moves the item's version.
    WireItem.objects.filter(pk=item.pk).update(version="0")
    applied = wire.story_apply

    def edited_in_between(incoming, **kwargs):
        story = Article.objects.get(pk=item.article_id)
        story.body = EDITED
        article_edit(article=story, by=staff(Role.EDITOR))
        return applied(incoming, **kwargs)

    monkeypatch.setattr(wire, "story_apply", edited_in_between)
    [result] = wire_poll(source=source).results
    assert result.outcome == "unchanged"
    item.refresh_from_db()
    assert item.version != "0" and item.article.body == EDITED
    assert item.sketch is None
