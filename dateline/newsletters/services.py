"""What a reader does: sign up, confirm, choose lists, unsubscribe. The reader is the
actor, acting through a signed link or the sign-up form; their consent is recorded on their
own row (confirmed_at), not in the newsroom's audit log, which records the desk's acts
(actions.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from dateline.core import clock
from dateline.newsletters import lists
from dateline.newsletters.models import Subscriber, SubscriberStatus, Subscription
from dateline.newsletters.sending import send_confirmation


class SignUpRefused(ValueError):
    """The form's input is not a sign-up: the message says why, for the reader."""


class TooMany(Exception):
    """This client signed up too often in the last hour."""


@dataclass(frozen=True)
class SignUp:
    subscriber: Subscriber
    # False when a confirmation went to this address a moment ago: nothing more is sent.
    mailed: bool


def email_normalise(raw: str) -> str:
    """One address, one row: surrounding space dropped, the domain in lower case (the local
    part is the mailbox owner's to interpret; most treat it alike, but not all)."""
    address = (raw or "").strip()
    if len(address) > 254 or any(c in address for c in "\r\n\0"):
        raise SignUpRefused("Enter a valid email address.")
    try:
        validate_email(address)
    except ValidationError:
        raise SignUpRefused("Enter a valid email address.") from None
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def _count_client(client: str) -> None:
    """A fixed window per hour in the cache (shared by every server with Redis). The
    address is hashed: the cache is no place to keep who signed up from where."""
    hour = int(clock.now().timestamp() // 3600)
    key = "newsletters:signup:" + hashlib.sha256(f"{client}:{hour}".encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        n = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=3600)
        n = 1
    if n > settings.DATELINE_SIGNUPS_PER_HOUR:
        raise TooMany()


def subscriber_sign_up(*, email: str, list_keys: list[str], client: str) -> SignUp:
    """Ask `email` to confirm `list_keys`. Nothing is subscribed until the confirmation
    link is followed; a second sign-up within DATELINE_CONFIRMATION_INTERVAL mails nothing
    (a form cannot be used to flood someone's inbox)."""
    address = email_normalise(email)
    known = {x.key for x in lists.all_lists()}
    chosen = sorted({k for k in list_keys if k in known})
    if not chosen:
        raise SignUpRefused("Choose at least one newsletter.")
    _count_client(client)
    now = clock.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=address, key=secrets.token_urlsafe(16)
                    )
            except IntegrityError:  # the same address, signed up at the same moment
                subscriber = Subscriber.objects.select_for_update().get(email=address)
        interval = dt.timedelta(seconds=settings.DATELINE_CONFIRMATION_INTERVAL)
        last = subscriber.confirmation_sent_at
        if last is not None and now - last < interval:
            return SignUp(subscriber, mailed=False)
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        pk = subscriber.pk
        transaction.on_commit(lambda: send_confirmation.enqueue(pk, chosen))
    return SignUp(subscriber, mailed=True)


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber, list_keys: tuple[str, ...]) -> list[str]:
    """The reader followed their confirmation link: the lists it names are theirs. A
    bounced address that confirms again is reachable again."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = clock.now()
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = now
    subscriber.bounced_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "bounced_at"])
    known = {x.key for x in lists.all_lists()}
    added = [k for k in list_keys if k in known]
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, list_key=k) for k in added],
        ignore_conflicts=True,
    )
    return added


@transaction.atomic
def subscriptions_set(*, subscriber: Subscriber, list_keys: list[str]) -> None:
    """The manage page: exactly these lists (a reader may only narrow or keep lists
    they confirmed; adding one means confirming it, from the sign-up form)."""
    Subscription.objects.filter(subscriber=subscriber).exclude(list_key__in=list_keys).delete()


def subscription_end(*, subscriber: Subscriber, list_key: str) -> bool:
    """One list ended (the one-click unsubscribe). True when there was one to end."""
    deleted, _ = Subscription.objects.filter(subscriber=subscriber, list_key=list_key).delete()
    return bool(deleted)


def subscriber_lists(subscriber: Subscriber) -> list[str]:
    return list(
        Subscription.objects.filter(subscriber=subscriber)
        .order_by("list_key")
        .values_list("list_key", flat=True)
    )


def subscriber_erase_own(*, subscriber: Subscriber) -> None:
    """The reader deletes their own address from the manage page: the row and everything
    hanging off it go; nothing is left to audit that could name them."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def subscribers_prune(*, now: dt.datetime | None = None) -> int:
    """Sign-ups never confirmed, once their link has expired: an address nobody confirmed
    is not ours to keep. Returns how many went."""
    from dateline.newsletters.tokens import CONFIRM_SECONDS

    cutoff = (now or clock.now()) - dt.timedelta(seconds=CONFIRM_SECONDS)
    deleted, _ = Subscriber.objects.filter(
        status=SubscriberStatus.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted
