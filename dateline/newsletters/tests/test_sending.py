"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1, started by the test): the
briefing to a thousand subscribers in batches, each mail with its text and HTML parts and
a one-click unsubscribe that works; unsubscribed and bounced addresses get nothing more; a
worker that died mid-send never sends a mail twice; the daily schedule; hostile stories
escaped in the mail."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import time_machine
from django.core import mail as django_mail
from django.core.management import call_command
from django.test import Client

from dateline.core import clock
from dateline.news.tests import factories as news
from dateline.newsletters import actions, lists, sending
from dateline.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Mailing,
    MailingStatus,
    Subscription,
)
from dateline.newsletters.tests.conftest import EARLY
from dateline.newsletters.tests.factories import many, subscriber, work
from dateline.newsletters.tests.smtp import SmtpServer
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


def _front():
    # Published in the last hour: the news factory's default times step back a minute per
    # story made in the whole run, which by the newsletters' tests is days ago, past what
    # a section's daily digest takes.
    section = news.section("Harbour")
    now = clock.now()
    stories = [
        news.article(
            headline=f"Harbour story {i}",
            section_obj=section,
            published_at=now - dt.timedelta(minutes=i + 1),
        )
        for i in range(6)
    ]
    news.curate("lead", stories[:1])
    news.curate("dont-miss", stories[4:6])
    return stories


def _parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def _issues(server) -> list:
    """What the server received, less the sign-ups' confirmation mails."""
    return [(to, m) for to, m in server.messages if m["List-Unsubscribe"]]


def _one_click(client: Client, message) -> int:
    header = message["List-Unsubscribe"]
    https = re.search(r"<(https?://[^>]+)>", header).group(1)
    response = client.post(
        urlsplit(https).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    return response.status_code


def test_briefing_reaches_a_thousand_subscribers_each_with_both_parts_and_a_working_unsubscribe(
    early, smtp, settings
):
    stories = _front()
    readers = many(1000)
    editor = staff(Role.EDITOR)
    briefing = actions.briefing_assemble(by=editor)
    assert [i["id"] for i in briefing.items][:1] == [stories[0].pk]
    assert actions.mailing_send(mailing=briefing, by=editor) == 1000
    work()
    received = smtp.messages
    assert len(received) == 1000
    assert sorted(r[0][0] for r in received) == sorted(r.email for r in readers)
    briefing.refresh_from_db()
    assert briefing.status == MailingStatus.SENT
    assert sending.counts(briefing) == {DeliveryStatus.SENT: 1000}
    recorded = set(Delivery.objects.values_list("message_id", flat=True))
    assert {m["Message-ID"] for _, m in received} == recorded and len(recorded) == 1000
    reader = Client()
    for (to,), message in received:
        assert message.get_content_type() == "multipart/alternative"
        parts = _parts(message)
        assert set(parts) == {"text/plain", "text/html"}
        assert "Harbour story 0" in parts["text/plain"] and "Harbour story 0" in parts["text/html"]
        assert message["From"].addresses[0].domain == "127.0.0.1"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "<mailto:" in message["List-Unsubscribe"]
        assert _one_click(reader, message) == 200, to
    assert not Subscription.objects.filter(list_key=lists.BRIEFING).exists()
    audit = AuditEntry.objects.get(action="newsletter_send")
    assert audit.actor == editor and audit.detail["recipients"] == 1000
    # The next day's briefing goes to nobody: every address unsubscribed.
    tomorrow = actions.briefing_assemble(by=editor, edition=EARLY.date() + dt.timedelta(days=1))
    assert actions.mailing_send(mailing=tomorrow, by=editor) == 0
    work()
    assert len(smtp.messages) == 1000


def test_an_unsubscribed_or_bounced_address_gets_nothing_more(early, smtp):
    story = news.article(headline="Storm closes the quay")
    stays, leaves, bounces = (
        subscriber(f"{n}@example.org", lists=(lists.BREAKING,))
        for n in ("stays", "leaves", "bounces")
    )
    editor = staff(Role.EDITOR)
    actions.breaking_send(article=story, by=editor)
    work()
    first = {to for (to,), _ in _issues(smtp)}
    assert first == {"stays@example.org", "leaves@example.org", "bounces@example.org"}
    message = next(m for (to,), m in _issues(smtp) if to == "leaves@example.org")
    assert _one_click(Client(), message) == 200
    call_command("subscribers", "bounce", "bounces@example.org", stdout=io.StringIO())
    actions.breaking_send(article=story, by=editor, subject="Storm: the quay stays shut")
    work()
    second = [to for (to,), m in smtp.messages if m["Subject"] == "Storm: the quay stays shut"]
    assert second == ["stays@example.org"]
    assert stays.subscriptions.exists()


def test_an_address_that_leaves_during_a_send_is_skipped(early, smtp):
    story = news.article(headline="Ferry times")
    readers = [subscriber(f"r{i}@example.org", lists=(lists.BREAKING,)) for i in range(3)]
    editor = staff(Role.EDITOR)
    mailing = actions.breaking_send(article=story, by=editor)
    # After the send started, before its batch ran.
    Subscription.objects.filter(subscriber=readers[1]).delete()
    work()
    assert sorted(to for (to,), _ in _issues(smtp)) == ["r0@example.org", "r2@example.org"]
    assert sending.counts(mailing) == {DeliveryStatus.SENT: 2, DeliveryStatus.SKIPPED: 1}


def test_a_worker_that_died_mid_send_never_sends_a_mail_twice(early, smtp, settings):
    settings.DATELINE_NEWSLETTER_BATCH = 40
    _front()
    many(100)
    editor = staff(Role.EDITOR)
    mailing = actions.briefing_assemble(by=editor)
    actions.mailing_send(mailing=mailing, by=editor)
    # A worker claimed a batch and died before it sent a thing (or while it sent).
    claimed = sending._claim(mailing.pk, 40)
    assert len(claimed) == 40
    with time_machine.travel(EARLY + dt.timedelta(minutes=20), tick=True):
        work()  # the worker starts again: resume, then every batch
    received = [to for (to,), _ in smtp.messages]
    assert len(received) == 60 and len(set(received)) == 60
    lost = {d.subscriber.email for d in claimed}
    assert not lost & set(received)
    counts = sending.counts(mailing)
    assert counts == {DeliveryStatus.SENT: 60, DeliveryStatus.UNKNOWN: 40}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT
    work()
    assert len(smtp.messages) == 60


def test_smtp_down_puts_the_batch_back_and_it_goes_later(early, settings):
    from dateline.newsletters.tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    story = news.article(headline="Regatta")
    subscriber("a@example.org", lists=(lists.BREAKING,))
    mailing = actions.breaking_send(article=story, by=staff(Role.EDITOR))
    work()
    assert sending.counts(mailing) == {DeliveryStatus.PENDING: 1}
    with SmtpServer() as server:
        settings.EMAIL_PORT = server.port
        with time_machine.travel(EARLY + dt.timedelta(minutes=3), tick=True):
            work()
        assert [to for (to,), _ in _issues(server)] == ["a@example.org"]
    assert sending.counts(mailing) == {DeliveryStatus.SENT: 1}


def test_the_briefing_and_section_digests_go_at_the_set_time_from_the_front_page(early, settings):
    stories = _front()
    section = stories[0].section
    subscriber("brief@example.org")
    subscriber("harbour@example.org", lists=(lists.section_key(section.pk),))
    work()
    assert django_mail.outbox == [] or all("Confirm" in m.subject for m in django_mail.outbox)
    django_mail.outbox.clear()
    assert not Mailing.objects.exists()
    with time_machine.travel(EARLY.replace(hour=7, minute=1), tick=True):
        work()
    briefing = Mailing.objects.get(list_key=lists.BRIEFING)
    assert briefing.edition == EARLY.date() and briefing.status == MailingStatus.SENT
    assert briefing.sent_by == "newsletter schedule"
    assert [i["id"] for i in briefing.items][0] == stories[0].pk
    assert {i["group"] for i in briefing.items} == {"lead", "top", "dont-miss"}
    by_to = {m.to[0]: m for m in django_mail.outbox}
    assert set(by_to) == {"brief@example.org", "harbour@example.org"}, [
        (m.list_key, m.status, m.items) for m in Mailing.objects.all()
    ]
    assert "Harbour" in by_to["harbour@example.org"].subject
    # The next tick waits for the next day's send time; nothing goes twice.
    with time_machine.travel(EARLY.replace(hour=9), tick=True):
        work()
    assert len(django_mail.outbox) == 2


def test_the_desk_s_edited_draft_is_what_goes_at_the_set_time(early, client):
    stories = _front()
    subscriber("brief@example.org")
    editor = staff(Role.EDITOR)
    client.force_login(editor)
    client.post("/newsroom/newsletters/", {"op": "assemble"})
    draft = Mailing.objects.get()
    client.post(
        "/newsroom/newsletters/",
        {
            "op": "edit",
            "mailing": draft.pk,
            "subject": "Morning, harbour",
            "intro": "Three things today.",
            "story": [stories[2].pk, stories[0].pk],
        },
    )
    client.post(
        "/newsroom/newsletters/", {"op": "remove", "mailing": draft.pk, "article": stories[0].pk}
    )
    draft.refresh_from_db()
    assert draft.subject == "Morning, harbour" and [i["id"] for i in draft.items] == [stories[2].pk]
    with time_machine.travel(EARLY.replace(hour=7, minute=5), tick=True):
        work()
    sent = [m for m in django_mail.outbox if m.subject == "Morning, harbour"]
    assert len(sent) == 1
    text = sent[0].body
    assert "Three things today." in text and stories[2].headline in text
    assert stories[0].headline not in text
    assert {e.action for e in AuditEntry.objects.filter(actor=editor)} >= {
        "newsletter_assemble",
        "newsletter_edit",
    }


def test_hostile_stories_are_escaped_in_the_mail(early, shared_dir):
    from dateline.news.tests.test_hostile_input import xss_payloads

    payloads = xss_payloads(shared_dir)
    section = news.section("Hostile")
    picked = payloads[:: max(1, len(payloads) // 60)]
    stories = [news.article(headline=p[:300], standfirst=p, section_obj=section) for p in picked]
    subscriber("target@example.org", lists=(lists.BREAKING,))
    editor = staff(Role.EDITOR)
    mailing = Mailing.objects.create(
        list_key=lists.BREAKING,
        subject="Hostile",
        items=[{"id": s.pk, "group": "top"} for s in stories],
    )
    actions.mailing_send(mailing=mailing, by=editor)
    work()
    [message] = [m for m in django_mail.outbox if m.subject == "Hostile"]
    html = dict((t, c) for c, t in message.alternatives)["text/html"]
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//script|//iframe|//object|//embed|//svg|//style|//form")
    for el in tree.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src"):
                assert unquote(value).startswith(("http://", "https://")), value
    text = tree.text_content()
    shown = sum(1 for s in stories if " ".join(s.headline.split()) in " ".join(text.split()))
    assert shown == len(stories)
    # Every story's headline arrived as text, never as markup.
    links = [a.text_content() for a in tree.xpath("//a[contains(@style,'font-weight:bold')]")]
    assert links[0] == "Dateline"  # the masthead, then one link per story
    assert links[1:] == [" ".join(s.headline.split()) for s in stories]
