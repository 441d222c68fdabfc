"""The newsletters desk: breaking news sent from a story in the review queue."""

from __future__ import annotations

import pytest
from django.core import mail

from dateline.news.tests import factories as news
from dateline.newsletters import lists
from dateline.newsletters.models import Mailing
from dateline.newsletters.tests.factories import subscriber, work
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("early")]


def test_an_editor_sends_breaking_news_from_a_story_in_the_queue(client):
    story = news.article(headline="Bridge closed after collision")
    draft = news.article(headline="Not live yet", publish=False)
    subscriber("alerts@example.org", lists=(lists.BREAKING,))
    work()
    mail.outbox.clear()
    editor = staff(Role.EDITOR)
    client.force_login(editor)
    queue = client.get("/newsroom/").content.decode()
    assert f"/newsroom/newsletters/?article={story.pk}" in queue
    assert f"/newsroom/newsletters/?article={draft.pk}" not in queue
    desk = client.get(f"/newsroom/newsletters/?article={story.pk}").content.decode()
    assert "Send “Bridge closed after collision” as breaking news" in desk
    client.post(
        "/newsroom/newsletters/",
        {"op": "breaking", "article": story.pk, "subject": "Bridge closed\r\nBcc: x@evil"},
    )
    refused = client.post(
        "/newsroom/newsletters/", {"op": "breaking", "article": draft.pk}, follow=True
    )
    assert "Only a live story" in refused.content.decode()
    work()
    [message] = mail.outbox
    assert message.to == ["alerts@example.org"]
    # A subject is one line whatever was typed: no header can be smuggled in.
    assert message.subject == "Bridge closed Bcc: x@evil" and not message.bcc
    assert Mailing.objects.get().sent_by == editor.get_username()
    assert AuditEntry.objects.get(action="newsletter_send").article_id == story.pk


def test_a_writer_sees_no_breaking_news_link(client):
    news.article(headline="Live story")
    client.force_login(staff(Role.WRITER))
    assert "/newsroom/newsletters/" not in client.get("/newsroom/").content.decode()
