"""Messages (core/messages.py): a reader's page never builds the message storage, and the
desk's messages still go from one request to the next."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from dateline.core.messages import LazyMessageMiddleware


@pytest.fixture
def storages(monkeypatch):
    made = []
    init = FallbackStorage.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(FallbackStorage, "__init__", counting)
    return made


@pytest.mark.django_db
def test_a_readers_page_builds_no_message_storage_and_sets_no_cookie(client, storages):
    response = client.get("/")
    assert response.status_code == 200
    assert storages == []
    assert "messages" not in response.cookies


def _request(cookies=None):
    request = RequestFactory().get("/newsroom/")
    request.COOKIES.update(cookies or {})
    SessionMiddleware(lambda r: None).process_request(request)
    return request


@pytest.mark.django_db
def test_a_message_added_in_one_request_is_shown_in_the_next(storages):
    middleware = LazyMessageMiddleware(lambda request: HttpResponse())
    first = _request()
    middleware.process_request(first)
    messages.success(first, "Story published.")
    response = middleware.process_response(first, HttpResponse())
    assert "messages" in response.cookies and len(storages) == 1

    second = _request({"messages": response.cookies["messages"].value})
    middleware.process_request(second)
    assert [str(m) for m in messages.get_messages(second)] == ["Story published."]
    cleared = middleware.process_response(second, HttpResponse())
    assert cleared.cookies["messages"]["max-age"] == 0  # read, so removed


@pytest.mark.django_db
def test_messages_read_but_not_added_store_nothing(storages):
    middleware = LazyMessageMiddleware(lambda request: HttpResponse())
    request = _request()
    middleware.process_request(request)
    assert list(messages.get_messages(request)) == []
    response = middleware.process_response(request, HttpResponse())
    assert "messages" not in response.cookies
