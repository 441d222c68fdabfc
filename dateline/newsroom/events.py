"""What the newsroom's actions did to a story, told to whoever listens (the API's webhooks),
after the change commits.

An action calls `announce` once per change, naming the event; listeners are registered
explicitly at start (`listen`, from an AppConfig.ready of an app above the newsroom), so the
newsroom never imports them. Not Django signals: the one place that knows what a change did
says so, and nothing else can."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)

STORY_PUBLISHED = "story.published"
STORY_UPDATED = "story.updated"
STORY_CORRECTED = "story.corrected"
STORY_UNPUBLISHED = "story.unpublished"
EVENTS = (STORY_PUBLISHED, STORY_UPDATED, STORY_CORRECTED, STORY_UNPUBLISHED)

Listener = Callable[..., None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def announce(event: str, *, article_id: int, actor: str, at=None, **detail) -> None:
    """Tell the listeners, once the transaction commits, that `event` happened to the story
    (`at`: when a scheduled publication takes effect)."""
    assert event in EVENTS, event
    if not _listeners:
        return

    def tell() -> None:
        for listener in list(_listeners):
            try:
                listener(event, article_id=article_id, actor=actor, at=at, **detail)
            except Exception:
                # The change is committed and the person has done it: a listener that
                # fails (a database hiccup queueing a webhook) is logged, never their error.
                log.exception("%s for story %s: a listener failed", event, article_id)

    transaction.on_commit(tell)
