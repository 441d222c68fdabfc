"""An entry's change reaches a cache in front (Varnish, xkey): purged by the story's
`live:<id>` tag after commit, so its page, fragment and feeds are asked for again."""

from __future__ import annotations

import pytest

from dateline.core.tests.live import until
from dateline.live.tests.factories import go_live, post
from dateline.news.tests import factories
from dateline.newsroom.actions import live as actions
from dateline.pagecache.tests.client import commit
from dateline.pagecache.tests.test_purge import cache_in_front  # noqa: F401 - a fixture


def _purged(fake, tag: str) -> int:
    return sum(tag in batch.split(" ") for batch in fake.purged)


@pytest.mark.django_db
def test_each_change_to_an_entry_is_purged_by_the_story_s_tag_after_commit(cache_in_front):  # noqa: F811
    story = go_live(factories.article(headline="Storm reaches the coast"))
    commit()
    tag = f"live:{story.pk}"
    # Purged at once, then again a moment later (pagecache/purge.py): both seen first.
    until(lambda: _purged(cache_in_front, tag) == 2, seconds=10, what="the start's purges")
    for change in (
        lambda: post(story, "Gusts of 80 mph."),
        lambda: actions.live_entry_edit(
            entry=story.live_entries.get(), by=factories.desk(), text="Gusts of 90 mph."
        ),
        lambda: actions.live_entry_delete(entry=story.live_entries.get(), by=factories.desk()),
    ):
        cache_in_front.purged.clear()
        change()
        assert not _purged(cache_in_front, tag)  # not before the commit
        commit()
        assert _purged(cache_in_front, tag) == 1  # at once
        until(lambda: _purged(cache_in_front, tag) == 2, seconds=10, what="the second purge")


@pytest.mark.django_db
def test_an_entry_on_a_draft_purges_nothing(cache_in_front):  # noqa: F811
    draft = factories.article(publish=False)
    go_live(draft)
    commit()
    post(draft, "Not out yet.")
    commit()
    assert not _purged(cache_in_front, f"live:{draft.pk}")
