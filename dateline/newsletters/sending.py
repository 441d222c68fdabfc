"""Sending: a mailing goes out in batches, each a background task (django-tasks, the
database backend `dateline worker` runs), over one SMTP connection per batch.

Resumable, and never twice. Starting a send writes one Delivery per recipient (the
subscribers of the list at that moment). A batch claims up to DATELINE_NEWSLETTER_BATCH
pending deliveries in one transaction (row locks skipped by a second worker on
PostgreSQL; SQLite serialises writers), marks them `sending`, commits, then sends each and
records it `sent` (or `failed`) at once, row by row. A worker that dies leaves its claimed
rows `sending`: those are never sent again (`resume` marks them `unknown` for the desk),
and every still-pending row is picked up by the next batch, which `resume` queues when the
worker starts again. So a crash costs at most the one mail SMTP had taken when the worker
died, never a duplicate.

Honoured at each mail's turn, not only at the send's start: an address that unsubscribed
from the list, bounced, or was deleted since gets nothing (`skipped`, or its row is gone).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db
from django.db import transaction
from django_tasks import task

from dateline.core import clock
from dateline.newsletters import mail
from dateline.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Mailing,
    MailingStatus,
    Subscriber,
    SubscriberStatus,
    Subscription,
)

log = logging.getLogger(__name__)

# A claimed row older than this belongs to a worker that is gone (a batch of 200 mails
# takes seconds).
STALE_CLAIM = dt.timedelta(minutes=15)
# After SMTP refused to talk (down, over its rate), the batch is tried again this much later.
RETRY_AFTER = dt.timedelta(minutes=2)


@task()
def send_confirmation(subscriber_id: int, list_keys: list[str]) -> str:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return "gone"
    mail.confirmation(subscriber=subscriber, list_keys=list_keys).send()
    return "sent"


def _recipients(list_key: str):
    return Subscriber.objects.filter(
        status=SubscriberStatus.ACTIVE, subscriptions__list_key=list_key
    )


def mailing_deliveries(mailing: Mailing) -> int:
    """One pending delivery per current subscriber of the list (the caller holds the
    mailing's row and commits); the batch is queued after commit."""
    ids = list(_recipients(mailing.list_key).values_list("pk", flat=True))
    Delivery.objects.bulk_create(
        [Delivery(mailing=mailing, subscriber_id=pk) for pk in ids],
        batch_size=1000,
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: send_batch.enqueue(mailing.pk))
    return len(ids)


def _claim(mailing_id: int, size: int) -> list[Delivery]:
    now = clock.now()
    with transaction.atomic():
        pending = Delivery.objects.filter(mailing_id=mailing_id, status=DeliveryStatus.PENDING)
        if db.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        ids = list(pending.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return []
        # Each row gets its Message-ID now, recorded before SMTP sees it.
        rows = list(Delivery.objects.filter(pk__in=ids))
        for row in rows:
            row.status, row.claimed_at, row.message_id = (
                DeliveryStatus.SENDING,
                now,
                mail.message_id(),
            )
        Delivery.objects.bulk_update(rows, ["status", "claimed_at", "message_id"])
    return rows


def _record(delivery: Delivery, status: str, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, error=error[:300], sent_at=clock.now() if status == "sent" else None
    )


@task()
def send_batch(mailing_id: int) -> str:
    mailing = Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).first()
    if mailing is None:
        return "not sending"
    claimed = _claim(mailing_id, settings.DATELINE_NEWSLETTER_BATCH)
    if not claimed:
        return _finish(mailing)
    issue = mail.issue(mailing)
    # Who may still get it, read once for the batch.
    eligible = {
        s.pk: s
        for s in _recipients(mailing.list_key).filter(pk__in=[d.subscriber_id for d in claimed])
    }
    connection = get_connection()
    sent = 0
    try:
        connection.open()
        for n, delivery in enumerate(claimed):
            subscriber = eligible.get(delivery.subscriber_id)
            if subscriber is None:
                _record(delivery, DeliveryStatus.SKIPPED)
                continue
            message = mail.copy(issue, subscriber=subscriber, msgid=delivery.message_id)
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                _record(delivery, DeliveryStatus.FAILED, str(exc))
            except (smtplib.SMTPException, OSError) as exc:
                # The server went away: this one may or may not have gone; the rest of the
                # batch has not and goes back to the queue.
                _record(delivery, DeliveryStatus.UNKNOWN, str(exc))
                _release(claimed[n + 1 :])
                log.warning("newsletter %s: SMTP failed (%s); retrying later", mailing.pk, exc)
                send_batch.using(run_after=clock.now() + RETRY_AFTER).enqueue(mailing.pk)
                return f"sent {sent}, SMTP failed"
            else:
                _record(delivery, DeliveryStatus.SENT)
                sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        _release(claimed)  # only rows still `sending` in the database
        log.warning("newsletter %s: cannot reach SMTP (%s); retrying later", mailing.pk, exc)
        send_batch.using(run_after=clock.now() + RETRY_AFTER).enqueue(mailing.pk)
        return "SMTP unreachable"
    finally:
        connection.close()
    send_batch.enqueue(mailing.pk)
    return f"sent {sent}"


def _release(deliveries: list[Delivery]) -> None:
    Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], status=DeliveryStatus.SENDING
    ).update(status=DeliveryStatus.PENDING, claimed_at=None, message_id="")


def _finish(mailing: Mailing) -> str:
    open_rows = Delivery.objects.filter(
        mailing=mailing, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    if open_rows.exists():
        return "others still sending"
    Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).update(
        status=MailingStatus.SENT, finished_at=clock.now()
    )
    return "finished"


def resume() -> int:
    """After a worker stopped: rows a dead worker claimed become `unknown` (never sent
    again), and every mailing still sending gets a batch queued. Returns how many."""
    stale = clock.now() - STALE_CLAIM
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale).update(
        status=DeliveryStatus.UNKNOWN, error="the worker stopped while sending"
    )
    sending = list(
        Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True)
    )
    for pk in sending:
        send_batch.enqueue(pk)
    return len(sending)


def counts(mailing: Mailing) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        Delivery.objects.filter(mailing=mailing).values("status").annotate(n=Count("pk")).order_by()
    )
    return {r["status"]: r["n"] for r in rows}


def subscribers_of(list_key: str) -> int:
    return Subscription.objects.filter(
        list_key=list_key, subscriber__status=SubscriberStatus.ACTIVE
    ).count()
