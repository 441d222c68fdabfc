"""The demo site covers one story live, once, with our own entries."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dateline.live.models import LiveCoverage, LiveEntry


@pytest.mark.django_db
def test_the_demo_covers_one_story_live_once(client):
    call_command("demo", stdout=io.StringIO())
    coverage = LiveCoverage.objects.select_related("article").get()
    assert coverage.article.slug.startswith("kell-swing-bridge-reopens")
    entries = list(LiveEntry.objects.filter(article=coverage.article).order_by("posted_at", "pk"))
    assert [e.title for e in entries if e.key_event] == ["Barriers lifted", "What to expect today"]
    assert [e.pinned for e in entries] == [False, False, False, False, True]
    assert all(a.posted_at < b.posted_at for a, b in zip(entries, entries[1:], strict=False))
    assert coverage.started_at == coverage.article.published_at
    page = client.get(coverage.article.get_absolute_url()).content.decode()
    assert "Bridge will swing at eleven" in page
    call_command("demo", stdout=io.StringIO())
    assert LiveEntry.objects.count() == len(entries)
