"""Subscribers for tests. `subscriber` goes the reader's way (sign up, then the confirmation
through its own token); `many` writes a large list's rows at once for the batch tests."""

from __future__ import annotations

import itertools
import secrets

from django.core.management import call_command

from dateline.newsletters import services, tokens
from dateline.newsletters.models import Subscriber, SubscriberStatus, Subscription

_n = itertools.count(1)


def work() -> None:
    """Run every background task that is due, as `dateline worker --batch`."""
    call_command("worker", batch=True, verbosity=0)


def subscriber(email: str | None = None, lists: tuple[str, ...] = ("briefing",)) -> Subscriber:
    address = email or f"reader{next(_n)}@example.org"
    signed = services.subscriber_sign_up(email=address, list_keys=list(lists), client="test")
    claim = tokens.read(tokens.CONFIRM, tokens.make(tokens.CONFIRM, signed.subscriber, lists))
    services.subscriber_confirm(subscriber=claim.subscriber, list_keys=claim.lists)
    return Subscriber.objects.get(pk=signed.subscriber.pk)


def many(count: int, list_key: str = "briefing") -> list[Subscriber]:
    start = next(_n) * 100_000
    rows = Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"bulk{start + i}@example.org",
                key=secrets.token_urlsafe(16),
                status=SubscriberStatus.ACTIVE,
            )
            for i in range(count)
        ]
    )
    rows = list(
        Subscriber.objects.filter(email__startswith="bulk", email__in=[r.email for r in rows])
    )
    Subscription.objects.bulk_create([Subscription(subscriber=s, list_key=list_key) for s in rows])
    return rows
