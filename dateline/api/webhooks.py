"""Webhooks: subscribers are told of `story.published`, `story.updated`, `story.corrected` and
`story.unpublished` as signed JSON (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).

The newsroom's actions announce what they did (newsroom.events); after the change commits,
`story_event` writes one delivery per active subscriber (the delivery log) and queues a
background task for each (django-tasks, database backend: `dateline worker` runs them). A
scheduled story's delivery waits for its second, and is dropped if the story is no longer
due then. A failed attempt is tried again later (DATELINE_WEBHOOK_RETRY_SECONDS, one wait
per retry), then given up and marked failed. Every request goes through the SSRF-safe
sender (core.fetch.post): public addresses only, connected to the address checked."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time

from django.conf import settings
from django.db import transaction
from django_tasks import task

from dateline.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber
from dateline.core import clock
from dateline.core.fetch import FetchError, check_url, post
from dateline.news.models import Article, Status
from dateline.newsroom import events
from dateline.syndication.identity import absolute

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"


class SubscriberRefused(ValueError):
    pass


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for `body` (Standard Webhooks, symmetric v1)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@transaction.atomic
def subscriber_save(*, subscriber: WebhookSubscriber) -> WebhookSubscriber:
    """Save a subscriber whose URL is http(s) on a public address; a new one gets its
    secret. A URL on a private, loopback or link-local address is refused."""
    try:
        check_url(subscriber.url)
    except FetchError as exc:
        raise SubscriberRefused(f"This address cannot receive webhooks: {exc}.") from None
    if not subscriber.secret:
        subscriber.secret = secret_new()
    subscriber.full_clean()
    subscriber.save()
    return subscriber


def _payload(event: str, article_id: int, actor: str, detail: dict) -> dict:
    row = (
        Article.objects.filter(pk=article_id)
        .values("slug", "headline", "version", "published_at")
        .first()
    )
    data: dict = {"id": article_id, "actor": actor, **detail}
    if row is not None:
        data |= {
            "slug": row["slug"],
            "headline": row["headline"],
            "version": row["version"],
            "published_at": row["published_at"].isoformat() if row["published_at"] else None,
        }
        if event != events.STORY_UNPUBLISHED:
            data["url"] = absolute(f"/story/{row['slug']}/")
            data["api_url"] = absolute(f"/api/v1/stories/{article_id}")
    return {"type": event, "timestamp": clock.now().isoformat(), "data": data}


def story_event(event: str, *, article_id: int, actor: str, at=None, **detail) -> None:
    """The newsroom's listener (registered in ApiConfig.ready), called after the change
    committed: one delivery per active subscriber, each sent by a task."""
    subscribers = list(WebhookSubscriber.objects.filter(active=True).only("pk"))
    if not subscribers:
        return
    body = json.dumps(_payload(event, article_id, actor, detail), separators=(",", ":"))
    deliveries = [
        WebhookDelivery(
            subscriber=s,
            message_id="msg_" + secrets.token_hex(16),
            event=event,
            article_id=article_id,
            payload=body,
            next_attempt_at=at,
        )
        for s in subscribers
    ]
    WebhookDelivery.objects.bulk_create(deliveries)  # sets their ids on both databases
    for delivery in deliveries:
        _enqueue(delivery.pk, at)


def _enqueue(delivery_id: int, at: dt.datetime | None) -> None:
    task = deliver.using(run_after=at) if at is not None else deliver
    task.enqueue(delivery_id)


def _due(delivery: WebhookDelivery) -> bool:
    """A scheduled story's `story.published` is sent only if the story is still published
    for the time it was scheduled at (not taken down or moved since)."""
    if delivery.event != events.STORY_PUBLISHED or delivery.next_attempt_at is None:
        return True  # told of at once: what happened, happened
    payload = json.loads(delivery.payload)["data"]
    return Article.objects.filter(
        pk=delivery.article_id,
        status=Status.PUBLISHED,
        published_at=dt.datetime.fromisoformat(payload["published_at"]),
    ).exists()


def attempt(delivery: WebhookDelivery) -> bool:
    """Send `delivery` once; record the outcome. True when the subscriber took it (2xx)."""
    subscriber = delivery.subscriber
    body = delivery.payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscriber.secret, delivery.message_id, timestamp, body),
    }
    delivery.attempts += 1
    try:
        answer = post(
            subscriber.url, body, headers=headers, timeout=settings.DATELINE_WEBHOOK_TIMEOUT
        )
    except FetchError as exc:
        delivery.last_status, delivery.last_error = None, str(exc)[:500]
        ok = False
    else:
        delivery.last_status, delivery.last_error = answer.status, ""
        ok = 200 <= answer.status < 300
    now = clock.now()
    retries = settings.DATELINE_WEBHOOK_RETRY_SECONDS
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            now,
            None,
        )
    elif delivery.attempts > len(retries):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=retries[delivery.attempts - 1])
    delivery.save()
    return ok


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at a delivery; a failure queues the next one after its wait."""
    delivery = (
        WebhookDelivery.objects.select_related("subscriber")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return "gone"
    if not delivery.subscriber.active:
        return "subscriber inactive"
    if delivery.attempts == 0 and not _due(delivery):
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, "no longer due"
        delivery.save(update_fields=["status", "last_error"])
        return "dropped"
    if attempt(delivery):
        return "delivered"
    if delivery.status == DeliveryStatus.PENDING:
        _enqueue(delivery.pk, delivery.next_attempt_at)
        return "retry"
    log.warning("webhook %s to subscriber %s failed", delivery.message_id, delivery.subscriber_id)
    return "failed"
