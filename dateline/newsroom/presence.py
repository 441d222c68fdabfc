"""Who else has a story open: each visit to a story's edit screen is recorded, and the
others seen in the last few minutes are named on it."""

from __future__ import annotations

import datetime as dt

from dateline.core import clock
from dateline.newsroom.models import Presence

WINDOW = dt.timedelta(minutes=5)


def presence_record(*, article, user) -> list[str]:
    """Record that `user` has `article` open; return the names of the others who do."""
    now = clock.now()
    Presence.objects.update_or_create(article=article, user=user, defaults={"seen_at": now})
    others = (
        Presence.objects.filter(article=article, seen_at__gte=now - WINDOW)
        .exclude(user=user)
        .select_related("user")
        .order_by("-seen_at")
    )
    return [p.user.get_username() for p in others]
