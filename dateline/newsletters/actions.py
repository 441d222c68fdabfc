"""The desk's acts on newsletters, each a named function with an actor, the role check and
an audit entry (the newsroom's log, newsroom/actions/base.py): assemble, edit and send an
issue, send breaking news from a story, and a subscriber's data exported, deleted or marked
bounced. The scheduler (schedule.py) acts as a named system actor, as the wire does.

An audit entry names a subscriber by id only: after deletion nothing in the log leads back
to the address."""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction

from dateline.core import clock, dates
from dateline.news.models import Article, Publication, Section
from dateline.news.selectors import front_page
from dateline.newsletters import lists, sending
from dateline.newsletters.mail import one_line
from dateline.newsletters.models import (
    Mailing,
    MailingStatus,
    Subscriber,
    SubscriberStatus,
)
from dateline.newsletters.services import email_normalise, subscriber_lists
from dateline.newsroom.actions.base import EDITORS, ActionRefused, _audit, _require
from dateline.newsroom.actors import SystemActor, actor_label
from dateline.newsroom.roles import Role

DIGEST_STORIES = 10


def schedule_actor() -> SystemActor:
    return SystemActor("newsletter schedule", frozenset({Role.EDITOR}))


def local_today(publication: Publication, now: dt.datetime | None = None) -> dt.date:
    return (now or clock.now()).astimezone(publication.zone).date()


def _briefing_items(now: dt.datetime) -> list[dict]:
    page = front_page(now=now)
    items: list[dict] = []
    seen: set[int] = set()
    groups = [("lead", [page.lead] if page.lead else []), ("top", page.top)]
    groups.append(("dont-miss", page.dont_miss))
    for group, stories in groups:
        for story in stories:
            if story.pk not in seen:
                seen.add(story.pk)
                items.append({"id": story.pk, "group": group})
    return items


@transaction.atomic
def briefing_assemble(*, by, edition: dt.date | None = None) -> Mailing:
    """The day's briefing from the front page as readers see it now (lead, top stories,
    Don't Miss), as a draft the desk may edit until it is sent. Assembling again replaces
    a draft's stories; a briefing already sent is refused."""
    _require(by, EDITORS, "assemble the briefing")
    publication = Publication.load()
    now = clock.now()
    edition = edition or local_today(publication, now)
    mailing = (
        Mailing.objects.select_for_update().filter(list_key=lists.BRIEFING, edition=edition).first()
    )
    if mailing is not None and mailing.status != MailingStatus.DRAFT:
        raise ActionRefused("This day's briefing has been sent already.")
    items = _briefing_items(now)
    if mailing is None:
        mailing = Mailing(
            list_key=lists.BRIEFING,
            edition=edition,
            subject=one_line(
                f"{publication.name}: your briefing for "
                f"{dates.long_date(edition, publication.language)}"
            ),
            created_by=actor_label(by)[:150],
        )
    mailing.items = items
    mailing.save()
    _audit(
        by,
        "newsletter_assemble",
        None,
        mailing=mailing.pk,
        list=mailing.list_key,
        stories=[i["id"] for i in items],
    )
    return mailing


@transaction.atomic
def mailing_edit(
    *, mailing: Mailing, by, subject: str, intro: str, story_ids: list[int]
) -> Mailing:
    """The desk's edit of a draft: its subject, its opening words and its stories, in
    order (only stories that are live, each once)."""
    _require(by, EDITORS, "edit a newsletter")
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != MailingStatus.DRAFT:
        raise ActionRefused("This newsletter has been sent; it can no longer change.")
    subject = one_line(subject)
    if not subject:
        raise ActionRefused("A newsletter needs a subject.")
    live = set(Article.objects.published().filter(pk__in=story_ids).values_list("pk", flat=True))
    groups = {i["id"]: i.get("group", "") for i in mailing.items}
    ordered: list[int] = []
    for pk in story_ids:
        if pk in live and pk not in ordered:
            ordered.append(pk)
    mailing.subject = subject
    mailing.intro = (intro or "").strip()[:4000]
    mailing.items = [{"id": pk, "group": groups.get(pk, "top")} for pk in ordered]
    mailing.save(update_fields=["subject", "intro", "items"])
    _audit(by, "newsletter_edit", None, mailing=mailing.pk, list=mailing.list_key, stories=ordered)
    return mailing


@transaction.atomic
def mailing_send(*, mailing: Mailing, by) -> int:
    """Send a draft to every confirmed subscriber of its list now (the worker sends it in
    batches). Returns the number of recipients."""
    _require(by, EDITORS, "send a newsletter")
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != MailingStatus.DRAFT:
        raise ActionRefused("This newsletter has been sent already.")
    if not mailing.items:
        raise ActionRefused("This newsletter has no stories to send.")
    mailing.status = MailingStatus.SENDING
    mailing.sent_by = actor_label(by)[:150]
    mailing.started_at = clock.now()
    mailing.save(update_fields=["status", "sent_by", "started_at"])
    recipients = sending.mailing_deliveries(mailing)
    article = (
        Article.objects.filter(pk=mailing.items[0]["id"]).first()
        if (mailing.list_key == lists.BREAKING)
        else None
    )
    _audit(
        by,
        "newsletter_send",
        article,
        mailing=mailing.pk,
        list=mailing.list_key,
        recipients=recipients,
        subject=mailing.subject,
    )
    return recipients


@transaction.atomic
def breaking_send(*, article: Article, by, subject: str = "") -> Mailing:
    """Breaking news from a live story, sent at once to the breaking-news list."""
    _require(by, EDITORS, "send breaking news")
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise ActionRefused("Only a live story can be sent as breaking news.")
    mailing = Mailing.objects.create(
        list_key=lists.BREAKING,
        subject=one_line(subject or f"Breaking: {article.headline}"),
        items=[{"id": article.pk, "group": "lead"}],
        created_by=actor_label(by)[:150],
    )
    mailing_send(mailing=mailing, by=by)
    return mailing


@transaction.atomic
def section_digest_send(*, section: Section, by, edition: dt.date) -> Mailing | None:
    """A section's digest of the day: its stories published since its last digest went
    out (a day at most), newest first. None when there is nothing new, or it was sent."""
    _require(by, EDITORS, "send a section's newsletter")
    key = lists.section_key(section.pk)
    if Mailing.objects.filter(list_key=key, edition=edition).exists():
        return None
    now = clock.now()
    last = (
        Mailing.objects.filter(list_key=key, started_at__isnull=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = max(last or now - dt.timedelta(days=1), now - dt.timedelta(days=1))
    ids = list(
        Article.objects.published(now)
        .filter(section=section, published_at__gt=since)
        .newest_first()
        .values_list("pk", flat=True)[:DIGEST_STORIES]
    )
    if not ids:
        return None
    publication = Publication.load()
    mailing = Mailing.objects.create(
        list_key=key,
        edition=edition,
        subject=one_line(
            f"{publication.name} · {section.name}: {dates.long_date(edition, publication.language)}"
        ),
        items=[{"id": pk, "group": "latest"} for pk in ids],
        created_by=actor_label(by)[:150],
    )
    mailing_send(mailing=mailing, by=by)
    return mailing


def _subscriber(email: str) -> Subscriber | None:
    try:
        address = email_normalise(email)
    except ValueError:
        return None
    return Subscriber.objects.filter(email__iexact=address).first()


def subscriber_export(*, email: str, by) -> dict | None:
    """Everything kept about an address, as JSON-ready data (a subject access request).
    None when the address is unknown."""
    _require(by, EDITORS, "export a subscriber's data")
    subscriber = _subscriber(email)
    if subscriber is None:
        return None
    data = {
        "email": subscriber.email,
        "status": subscriber.status,
        "signed_up_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "last_confirmation_mail_at": (
            subscriber.confirmation_sent_at.isoformat() if subscriber.confirmation_sent_at else None
        ),
        "bounced_at": subscriber.bounced_at.isoformat() if subscriber.bounced_at else None,
        "lists": subscriber_lists(subscriber),
        "deliveries": [
            {
                "newsletter": d.mailing.subject,
                "list": d.mailing.list_key,
                "status": d.status,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                "message_id": d.message_id,
            }
            for d in subscriber.deliveries.select_related("mailing").order_by("pk")
        ],
    }
    _audit(by, "subscriber_export", None, subscriber=subscriber.pk)
    json.dumps(data)  # JSON-ready, or fail here rather than in the caller's hands
    return data


@transaction.atomic
def subscriber_erase(*, email: str, by) -> bool:
    """Delete an address and everything hanging off it (lists, deliveries), on the
    subscriber's request. The audit keeps the row's former id only."""
    _require(by, EDITORS, "delete a subscriber's data")
    subscriber = _subscriber(email)
    if subscriber is None:
        return False
    pk = subscriber.pk
    subscriber.delete()
    _audit(by, "subscriber_erase", None, subscriber=pk)
    return True


@transaction.atomic
def subscriber_bounce(*, email: str, by, note: str = "") -> bool:
    """Mail to the address bounced for good: it gets nothing more (its lists are kept, so
    that confirming again from a new sign-up restores them)."""
    _require(by, EDITORS, "mark an address as bounced")
    subscriber = _subscriber(email)
    if subscriber is None:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=SubscriberStatus.BOUNCED, bounced_at=clock.now()
    )
    _audit(by, "subscriber_bounce", None, subscriber=subscriber.pk, note=one_line(note, 200))
    return True
