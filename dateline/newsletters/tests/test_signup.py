"""Signing up: the form (on the public page and in every page's footer, cached), the
confirmation mail and its signed link, the manage page; refusals of altered, expired and
void links; limits on the endpoint; hostile input escaped."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest
import time_machine
from django.core import mail
from django.test import Client

from dateline.core import clock
from dateline.news.tests import factories as news
from dateline.news.tests.readers import cached
from dateline.newsletters import tokens
from dateline.newsletters.models import Subscriber, SubscriberStatus, Subscription
from dateline.newsletters.tests.factories import subscriber, work

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("early")]

LINK = re.compile(r"http://[^/\s]+(/newsletters/confirm/[^/\s]+/)")


def _confirm_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_sign_up_mails_a_link_and_subscribes_nothing_until_it_is_confirmed(client):
    section = news.section("Harbour")
    response = client.post(
        "/newsletters/subscribe/",
        {"email": "ann@Example.ORG", "list": ["briefing", f"section:{section.pk}"]},
    )
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    work()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert {m for _, m in message.alternatives} == {"text/html"}
    assert not Subscription.objects.exists()
    path = _confirm_path(message)
    # Opening the link (a mail scanner does) confirms nothing; the button does.
    page = client.get(path)
    assert page.status_code == 200 and "Harbour" in page.content.decode()
    assert not Subscription.objects.exists()
    done = client.post(path)
    assert done.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.confirmed_at
    assert set(Subscription.objects.values_list("list_key", flat=True)) == {
        "briefing",
        f"section:{section.pk}",
    }
    manage = re.search(r'href="(/newsletters/manage/[^"]+/)"', done.content.decode()).group(1)
    client.post(manage, {"list": ["briefing"]})
    assert list(Subscription.objects.values_list("list_key", flat=True)) == ["briefing"]


def test_a_second_sign_up_soon_after_mails_nothing_more(client):
    for _ in range(3):
        assert (
            client.post("/newsletters/subscribe/", {"email": "bo@example.org"}).status_code == 200
        )
    work()
    assert len(mail.outbox) == 1
    with time_machine.travel(clock.now() + dt.timedelta(minutes=11)):
        client.post("/newsletters/subscribe/", {"email": "bo@example.org"})
        work()
    assert len(mail.outbox) == 2


def test_sign_up_from_another_site_is_refused(client):
    for header in ({"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}):
        response = client.post("/newsletters/subscribe/", {"email": "cy@example.org"}, **header)
        assert response.status_code == 403
    same = client.post(
        "/newsletters/subscribe/", {"email": "cy@example.org"}, HTTP_ORIGIN="http://testserver"
    )
    assert same.status_code == 200
    assert Subscriber.objects.count() == 1


def test_one_client_is_limited_to_so_many_sign_ups_an_hour(client, settings):
    settings.DATELINE_SIGNUPS_PER_HOUR = 3
    codes = [
        client.post("/newsletters/subscribe/", {"email": f"d{i}@example.org"}).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert Subscriber.objects.count() == 3


def test_a_bad_address_or_no_known_list_is_refused_with_the_form_again(client):
    bad = client.post("/newsletters/subscribe/", {"email": "not an address"})
    assert bad.status_code == 400 and "valid email" in bad.content.decode()
    none = client.post("/newsletters/subscribe/", {"email": "e@example.org", "list": "nope"})
    assert none.status_code == 400 and "at least one" in none.content.decode()
    assert not Subscriber.objects.exists()


def test_the_endpoint_answers_post_only(client):
    assert client.get("/newsletters/subscribe/").status_code == 405


def test_altered_expired_and_void_links_are_refused(client):
    reader = subscriber("fay@example.org")
    token = tokens.make(tokens.CONFIRM, reader, ["breaking"])
    # One character changed anywhere in the token.
    altered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert client.post(f"/newsletters/confirm/{altered}/").status_code == 400
    # A signature made with another key, over a payload naming the same subscriber.
    from django.core import signing

    forged = signing.dumps(
        {"s": reader.pk, "k": reader.key, "l": ["breaking"]},
        key="not-the-site-key",
        salt="dateline.newsletters.confirm",
    )
    assert client.post(f"/newsletters/confirm/{forged}/").status_code == 400
    # A manage link is no confirmation link (each purpose has its salt).
    manage = tokens.make(tokens.MANAGE, reader)
    assert client.post(f"/newsletters/confirm/{manage}/").status_code == 400
    with time_machine.travel(clock.now() + dt.timedelta(hours=49)):
        expired = client.post(f"/newsletters/confirm/{token}/")
        assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert set(reader.subscriptions.values_list("list_key", flat=True)) == {"briefing"}
    assert client.post(f"/newsletters/confirm/{token}/").status_code == 200
    assert reader.subscriptions.filter(list_key="breaking").exists()
    unsubscribe = tokens.make(tokens.UNSUBSCRIBE, reader, ["briefing"])
    Subscriber.objects.filter(pk=reader.pk).delete()
    assert client.post(f"/newsletters/unsubscribe/{unsubscribe}/").status_code == 400
    assert client.get(f"/newsletters/manage/{manage}/").status_code == 400


def test_the_sign_up_form_on_a_cached_page_works(settings):
    story = news.article(headline="Quay reopens", section_obj=news.section("Harbour"))
    for path in ("/", story.get_absolute_url(), "/newsletters/"):
        first, second = cached(path), cached(path)
        assert (first.cache, second.cache) == ("miss", "hit"), path
        assert "Set-Cookie" not in second.headers
        page = lxml.html.fromstring(second.body)
        form = next(f for f in page.forms if f.action == "/newsletters/subscribe/")
        assert not [i for i in form.inputs if i.name == "csrfmiddlewaretoken"]
        fields = dict(form.form_values())
        fields["email"] = f"reader-{abs(hash(path))}@example.org"
        # A reader's browser: no cookies at all, and CSRF checks as in production.
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(form.action, fields, HTTP_ORIGIN="http://testserver")
        assert response.status_code == 200, path
        assert "Check your inbox" in response.content.decode()
    work()
    assert len(mail.outbox) == 3


def test_hostile_input_in_the_sign_up_form_is_escaped(client, shared_dir):
    from dateline.news.tests.test_hostile_input import xss_payloads

    payloads = xss_payloads(shared_dir)
    assert len(payloads) > 100
    for payload in payloads:
        response = client.post(
            "/newsletters/subscribe/", {"email": payload, "list": ["briefing", payload]}
        )
        assert response.status_code == 400, payload
        tree = lxml.html.fromstring(response.content.decode())
        assert not tree.xpath("//script[not(@type='application/ld+json')]"), payload
        field = tree.get_element_by_id("newsletters-email")
        # The payload came back as the field's text, whole, and as nothing else.
        typed = payload[:254].replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
        assert field.get("value") == typed, payload
        assert not [a for el in tree.iter() for a in el.attrib if a.lower().startswith("on")]
    assert not Subscriber.objects.exists()


def test_a_sign_up_never_confirmed_is_forgotten_once_its_link_expired(client):
    from dateline.newsletters.services import subscribers_prune

    client.post("/newsletters/subscribe/", {"email": "gone@example.org"})
    confirmed = subscriber("kept@example.org")
    assert subscribers_prune() == 0
    later = clock.now() + dt.timedelta(hours=49)
    assert subscribers_prune(now=later) == 1
    assert list(Subscriber.objects.values_list("pk", flat=True)) == [confirmed.pk]


def test_the_sign_up_page_is_read_in_pinned_queries(client, django_assert_num_queries):
    news.section("Harbour")
    client.get("/newsletters/")  # warms the process's memos (settings, navigation)
    with django_assert_num_queries(0):  # settings, navigation, schedule: all memoised
        page = client.get("/newsletters/")
    assert page.status_code == 200 and 'value="briefing"' in page.content.decode()
