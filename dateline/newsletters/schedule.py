"""The daily send, at DATELINE_BRIEFING_AT in the publication's time zone.

`tick` is a background task that does what is due and queues itself for the next send
time: the day's briefing (the desk's draft if it made one, else assembled from the front
page then) and each section's digest of its new stories. The worker queues the first tick
when it starts (`ensure`), and resumes any send a stopped worker left unfinished. Two ticks
at once are harmless: a list has one issue a day (a unique constraint), and the send
refuses an issue that is not a draft."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError
from django_tasks import task
from django_tasks.base import TaskResultStatus

from dateline.core import clock
from dateline.news.models import Publication, Section
from dateline.newsletters import actions, lists, sending, services
from dateline.newsletters.models import Mailing, MailingStatus
from dateline.newsroom.actions.base import ActionRefused

log = logging.getLogger(__name__)


def send_time() -> dt.time:
    hours, _, minutes = settings.DATELINE_BRIEFING_AT.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next send time after `now`, in the publication's zone."""
    now = now or clock.now()
    zone = Publication.load().zone
    local = now.astimezone(zone)
    at = dt.datetime.combine(local.date(), send_time(), tzinfo=zone)
    if at <= local:
        at = dt.datetime.combine(local.date() + dt.timedelta(days=1), send_time(), tzinfo=zone)
    return at


def run_due(now: dt.datetime | None = None) -> list[Mailing]:
    """Send today's briefing and digests if their time has come and they have not gone."""
    now = now or clock.now()
    publication = Publication.load()
    today = actions.local_today(publication, now)
    due = dt.datetime.combine(today, send_time(), tzinfo=publication.zone)
    if now < due:
        return []
    by = actions.schedule_actor()
    sent: list[Mailing] = []
    briefing = Mailing.objects.filter(list_key=lists.BRIEFING, edition=today).first()
    wanted = briefing is not None or sending.subscribers_of(lists.BRIEFING) > 0
    if wanted and (briefing is None or briefing.status == MailingStatus.DRAFT):
        try:
            if briefing is None:
                briefing = actions.briefing_assemble(by=by, edition=today)
            if briefing.items:
                actions.mailing_send(mailing=briefing, by=by)
                sent.append(briefing)
        except (ActionRefused, IntegrityError) as exc:  # another tick got there first
            log.info("briefing for %s not sent by this tick: %s", today, exc)
    for section in Section.objects.filter(in_navigation=True):
        if not sending.subscribers_of(lists.section_key(section.pk)):
            continue
        try:
            digest = actions.section_digest_send(section=section, by=by, edition=today)
        except IntegrityError:
            continue
        if digest is not None:
            sent.append(digest)
    return sent


@task()
def tick() -> str:
    # The next tick is queued whatever happens to this one: a failure today must not end
    # the schedule.
    try:
        services.subscribers_prune()
        sent = run_due()
    finally:
        tick.using(run_after=next_run()).enqueue()
    return f"sent {len(sent)}"


def _missed(now: dt.datetime) -> bool:
    """Today's send time passed with a briefing still owed to its subscribers (the worker
    was down then)."""
    publication = Publication.load()
    today = actions.local_today(publication, now)
    if now < dt.datetime.combine(today, send_time(), tzinfo=publication.zone):
        return False
    done = Mailing.objects.filter(list_key=lists.BRIEFING, edition=today).exclude(
        status=MailingStatus.DRAFT
    )
    return not done.exists() and sending.subscribers_of(lists.BRIEFING) > 0


def ensure() -> None:
    """At the worker's start: unfinished sends are resumed, and a tick is queued, for now
    if today's briefing was missed, else for the next send time."""
    from django_tasks_db.models import DBTaskResult

    sending.resume()
    path = tick.module_path
    now = clock.now()
    if _missed(now):
        tick.enqueue()
    elif not DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists():
        tick.using(run_after=next_run(now)).enqueue()
