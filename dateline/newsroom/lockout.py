"""The page a locked-out sign-in gets (django-axes calls `locked_out`, settings
AXES_LOCKOUT_CALLABLE). It says what happened, for how long, and who can end it sooner;
it is a 429 that no cache may keep, since it answers one person at one address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    username = ""
    if credentials:
        username = str(credentials.get(settings.AXES_USERNAME_FORM_FIELD) or "")
    username = username or request.POST.get("username", "")
    response = render(
        request,
        "newsroom/locked_out.html",
        {
            "username": username,
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
    add_never_cache_headers(response)  # Cache-Control: private, no-store, …
    return response


def client_address(request: HttpRequest) -> str:
    """The address a sign-in comes from, for the lockout (settings AXES_CLIENT_IP_CALLABLE).

    Behind the TLS proxy the site owner trusts (DATELINE_TRUSTED_PROXY), every request comes
    from the proxy's address, which would make the lock per username only; the proxy appends
    the client's address to X-Forwarded-For, so the last entry is the one it vouches for.
    Anything a client wrote before it is its own claim and is ignored. Without a trusted
    proxy the header is never read: anyone could send it."""
    if getattr(settings, "DATELINE_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")
