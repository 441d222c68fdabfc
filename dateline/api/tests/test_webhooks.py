"""Webhooks: a receiver on 127.0.0.1 gets each event once per change, signed as Standard
Webhooks says; a receiver that is down gets the delivery later; private addresses are
refused. Deliveries run through the real task queue (the database backend's worker)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.management import call_command

from dateline.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber
from dateline.api.webhooks import SubscriberRefused, subscriber_save
from dateline.core import clock
from dateline.news.models import Article
from dateline.news.tests import factories
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

# On commit, as in production: the events are sent after the change commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps what it is sent."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.received: list[tuple[dict, bytes]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver(settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True
    r = Receiver()
    yield r
    r.stop()


def _work() -> None:
    """Run every task that is due, then stop (as `dateline worker --batch`)."""
    call_command("worker", batch=True, verbosity=0)


def _verify(secret: str, headers: dict, body: bytes) -> bool:
    """Standard Webhooks' check, written from the specification, not from our sender."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body.decode()}"
    expected = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha256).digest())
    return any(
        hmac.compare_digest(sig.split(",", 1)[1].encode(), expected)
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    )


def _story(editor) -> Article:
    article = Article(headline="Ferry timetable changes", body="<p>From Monday.</p>")
    article.section = factories.section("Harbour")
    actions.article_edit(article=article, by=editor)
    return article


def test_each_change_is_delivered_once_and_signed(receiver):
    receiver.start()
    subscriber = subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    editor = staff(Role.EDITOR, "eve")
    article = _story(editor)
    actions.article_schedule(article=article, by=editor)
    article.refresh_from_db()
    article.body = "<p>From Tuesday.</p>"
    actions.article_correct(article=article, by=editor, kind="correction", note="Tuesday.")
    article.refresh_from_db()
    article.headline = "Ferry timetable change"
    actions.article_correct(article=article, by=editor, kind="typo")
    actions.article_unpublish(article=article, by=editor)
    _work()
    _work()  # nothing is sent twice
    kinds = [json.loads(body)["type"] for _, body in receiver.received]
    assert kinds == ["story.published", "story.corrected", "story.updated", "story.unpublished"]
    ids = set()
    for headers, body in receiver.received:
        assert _verify(subscriber.secret, headers, body)
        assert abs(int(headers["webhook-timestamp"]) - clock.now().timestamp()) < 600
        ids.add(headers["webhook-id"])
        assert json.loads(body)["data"]["id"] == article.pk
        assert json.loads(body)["data"]["actor"] == "eve"
    assert len(ids) == 4
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    # A forged body does not pass the check.
    headers, body = receiver.received[0]
    assert not _verify(subscriber.secret, headers, body.replace(b"Ferry", b"Fairy"))


def test_a_receiver_that_is_down_gets_the_delivery_later(receiver, settings):
    settings.DATELINE_WEBHOOK_RETRY_SECONDS = (30, 60)
    subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    editor = staff(Role.EDITOR, "eve")
    article = _story(editor)
    actions.article_schedule(article=article, by=editor)
    _work()  # nobody listens on the port: refused, to be tried again in 30 s
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error
    receiver.start()
    _work()  # not yet due
    assert receiver.received == []
    with time_machine.travel(clock.now() + dt.timedelta(seconds=31)):
        _work()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert [json.loads(b)["type"] for _, b in receiver.received] == ["story.published"]


def test_a_delivery_is_given_up_after_its_retries(receiver, settings):
    settings.DATELINE_WEBHOOK_RETRY_SECONDS = (30,)
    subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    editor = staff(Role.EDITOR, "eve")
    actions.article_schedule(article=_story(editor), by=editor)
    _work()
    with time_machine.travel(clock.now() + dt.timedelta(seconds=31)):
        _work()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2


def test_a_scheduled_story_is_announced_at_its_time(receiver):
    receiver.start()
    subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    editor = staff(Role.EDITOR, "eve")
    at = clock.now() + dt.timedelta(hours=1)
    actions.article_schedule(article=_story(editor), by=editor, at=at)
    _work()
    assert receiver.received == []
    with time_machine.travel(at + dt.timedelta(seconds=1)):
        _work()
    assert [json.loads(b)["type"] for _, b in receiver.received] == ["story.published"]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/hooks",
        "http://192.168.1.20:8080/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://[::ffff:10.0.0.1]/hooks",
        "http://127.0.0.1/hooks",  # loopback: only tests allow it, and this one does not
        "file:///etc/passwd",
    ],
)
def test_a_subscriber_on_a_private_address_is_refused(url):
    with pytest.raises(SubscriberRefused):
        subscriber_save(subscriber=WebhookSubscriber(url=url))
    assert not WebhookSubscriber.objects.exists()


def test_a_subscriber_whose_address_turns_private_is_not_sent_to(receiver):
    # Saved while allowed (a public name), later pointing inside: every send checks again.
    receiver.start()
    subscriber = subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(url="http://10.0.0.7/hooks")
    editor = staff(Role.EDITOR, "eve")
    actions.article_schedule(article=_story(editor), by=editor)
    _work()
    delivery = WebhookDelivery.objects.get()
    assert "not a public address" in delivery.last_error
    assert delivery.status == DeliveryStatus.PENDING


def test_a_scheduled_story_taken_down_before_its_time_is_never_announced(receiver):
    receiver.start()
    subscriber_save(subscriber=WebhookSubscriber(url=receiver.url))
    editor = staff(Role.EDITOR, "eve")
    at = clock.now() + dt.timedelta(hours=1)
    article = _story(editor)
    actions.article_schedule(article=article, by=editor, at=at)
    actions.article_unpublish(article=article, by=editor)
    with time_machine.travel(at + dt.timedelta(seconds=1)):
        _work()
    assert receiver.received == []
    assert WebhookDelivery.objects.get().last_error == "no longer due"
