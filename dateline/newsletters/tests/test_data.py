"""A subscriber's address is personal data: exported as JSON and deleted on request, from
the command line, the desk or the reader's own manage page; the audit names nobody."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from dateline.news.tests import factories as news
from dateline.newsletters import actions, lists, tokens
from dateline.newsletters.models import Delivery, Subscriber, Subscription
from dateline.newsletters.tests.factories import subscriber, work
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("early")]


def _sent_one(email: str) -> Subscriber:
    reader = subscriber(email, lists=(lists.BREAKING, lists.BRIEFING))
    actions.breaking_send(article=news.article(headline="Harbour fire"), by=news.desk())
    work()
    return reader


def test_export_gives_everything_kept_about_the_address_as_json():
    reader = _sent_one("gus@example.org")
    out = io.StringIO()
    call_command("subscribers", "export", "GUS@example.org".lower(), stdout=out)
    data = json.loads(out.getvalue())
    assert data["email"] == "gus@example.org" and data["status"] == "active"
    assert data["lists"] == ["breaking", "briefing"]
    [delivery] = data["deliveries"]
    assert delivery["status"] == "sent" and delivery["newsletter"] == "Breaking: Harbour fire"
    assert AuditEntry.objects.get(action="subscriber_export").detail == {"subscriber": reader.pk}
    with pytest.raises(CommandError):
        call_command("subscribers", "export", "nobody@example.org", stdout=io.StringIO())


def test_delete_on_request_leaves_nothing_that_names_the_address(client):
    reader = _sent_one("hal@example.org")
    manage = tokens.make(tokens.MANAGE, reader)
    editor = staff(Role.EDITOR)
    client.force_login(editor)
    exported = client.post("/newsroom/newsletters/", {"op": "export", "email": "hal@example.org"})
    assert exported["Content-Type"].startswith("application/json")
    assert json.loads(exported.content)["email"] == "hal@example.org"
    client.post("/newsroom/newsletters/", {"op": "erase", "email": "hal@example.org"})
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists() and not Delivery.objects.exists()
    entry = AuditEntry.objects.get(action="subscriber_erase")
    assert entry.actor == editor and entry.detail == {"subscriber": reader.pk}
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "hal@" not in everything
    # The links in the mails they had are void now.
    assert client.get(f"/newsletters/manage/{manage}/").status_code == 400


def test_a_reader_deletes_their_own_address_from_the_manage_page(client):
    reader = subscriber("ida@example.org")
    page = client.get(f"/newsletters/manage/{tokens.make(tokens.MANAGE, reader)}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    action = re.search(r'action="(/newsletters/manage/[^"]+/)"', page.content.decode()).group(1)
    done = client.post(action, {"erase": "1"})
    assert done.status_code == 200 and "deleted" in done.content.decode()
    assert not Subscriber.objects.filter(email="ida@example.org").exists()


def test_the_desk_refuses_writers_and_the_actions_refuse_them_too(client):
    client.force_login(staff(Role.WRITER))
    assert client.get("/newsroom/newsletters/").status_code == 403
    with pytest.raises(actions.ActionRefused):
        actions.subscriber_erase(email="x@example.org", by=staff(Role.WRITER, "writer-2"))
    assert not mail.outbox
