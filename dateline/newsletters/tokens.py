"""Signed links in mails: confirm a sign-up, manage one's lists, unsubscribe.

Each token is `django.core.signing` (HMAC-SHA256 with the site's secret key, a salt per
purpose) over the subscriber's id and key, and a time. An altered token fails its
signature; a confirmation older than CONFIRM_SECONDS is refused; a subscriber's new key or
deletion voids every token made before. Tokens carry no address: they end up in access
logs and browser histories."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from dateline.newsletters.models import Subscriber

CONFIRM_SECONDS = 2 * 24 * 3600
# Every mail carries a fresh manage link; one kept from three months ago still works.
MANAGE_SECONDS = 90 * 24 * 3600
# RFC 8058 asks that one-click links keep working for a while after the mail: a year.
UNSUBSCRIBE_SECONDS = 365 * 24 * 3600

CONFIRM, MANAGE, UNSUBSCRIBE = "confirm", "manage", "unsubscribe"
_AGES = {CONFIRM: CONFIRM_SECONDS, MANAGE: MANAGE_SECONDS, UNSUBSCRIBE: UNSUBSCRIBE_SECONDS}


class TokenRefused(Exception):
    """The link is not one of ours, was altered, has expired or is void."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class Claim:
    subscriber: Subscriber
    lists: tuple[str, ...]


def make(purpose: str, subscriber: Subscriber, lists: tuple[str, ...] | list[str] = ()) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "k": subscriber.key, "l": list(lists)},
        salt=f"dateline.newsletters.{purpose}",
        compress=True,
    )


def read(purpose: str, token: str) -> Claim:
    try:
        data = signing.loads(token, salt=f"dateline.newsletters.{purpose}", max_age=_AGES[purpose])
    except signing.SignatureExpired:
        raise TokenRefused("This link has expired.", expired=True) from None
    except signing.BadSignature:
        raise TokenRefused("This link is not valid.") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise TokenRefused("This link is not valid.")
    subscriber = Subscriber.objects.filter(pk=data["s"], key=str(data.get("k", ""))).first()
    if subscriber is None:
        raise TokenRefused("This link is no longer valid.")
    lists = data.get("l") or []
    if not isinstance(lists, list) or not all(isinstance(x, str) for x in lists):
        raise TokenRefused("This link is not valid.")
    return Claim(subscriber, tuple(lists))
