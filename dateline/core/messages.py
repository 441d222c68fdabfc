"""Django's messages, made only for a request that uses them.

`django.contrib.messages`' middleware builds the message storage for every request (a
fallback storage over a cookie and the session, three objects and their settings), and
asks it to save on every response. Only the desk shows or adds messages; a reader's page
never does, and on an uncached page that work was 1 % of the render. Here the storage is
made when something first reaches for it, and a response whose request never did has
nothing to save: an unused storage's `update` stores nothing and sets no cookie."""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if type(messages) is SimpleLazyObject and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
