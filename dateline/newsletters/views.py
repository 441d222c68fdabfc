"""The reader's side: the sign-up page, the sign-up endpoint, and the pages signed links
open (confirm, manage, unsubscribe).

**The sign-up form works from a cached page.** It is the same for every reader (the
footer of every page, and /newsletters/), so it carries no CSRF token and no per-reader
stamp, and the page cache may keep it. `subscribe` therefore takes no cookie and is
exempt from Django's CSRF check; that is safe because it has no ambient authority to
forge: it acts for no signed-in person and reads no session. All it can ever do is mail a
confirmation link (signed, expiring) to the address typed in, and nothing is subscribed
until the owner of that mailbox follows it. What is left is abuse as a mail cannon, which
is bounded: a browser's cross-site POST (another site's form) is refused by its Origin
(or Referer) header, each client address may sign up DATELINE_SIGNUPS_PER_HOUR times an
hour, and an address gets one confirmation per DATELINE_CONFIRMATION_INTERVAL however
often it is typed in. The answer is the same whether the address was known or not.

Pages opened from a signed link are never cached (`no-store`); their forms carry the
token as the authority, so they too need no cookie. Confirming takes a press of a button,
not the GET of the link: mail scanners open links in mails, and must not confirm anyone.
The one-click unsubscribe (RFC 8058) is a POST of `List-Unsubscribe=One-Click` to the
link's address and unsubscribes at once; a GET of it shows a button that does the same.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dateline.news.selectors import site_context
from dateline.newsletters import lists, services, tokens
from dateline.newsroom.lockout import client_address
from dateline.pagecache.wsgi import mark_cacheable


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    site = site_context()
    return _private(
        render(request, f"newsletters/{template}", {"site": site, **context}, status=status)
    )


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    """The sign-up page: the same for everyone, so kept like any page."""
    site = site_context()
    response = render(
        request,
        "newsletters/page.html",
        {"site": site, "lists": lists.available(site.sections)},
    )
    return mark_cacheable(response, deps=site.deps, expires_at=site.expires_at)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_site(request: HttpRequest) -> bool:
    """A browser names the page a POST came from (Origin; Referer when it does not). A
    client that names neither is not a browser carrying someone's cookies."""
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if not sent:
        return True
    if sent == "null":
        return False
    ours = {_origin(settings.SITE_URL), _origin(request.build_absolute_uri("/"))}
    return _origin(sent) in ours


@csrf_exempt
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    if not _same_site(request):
        return _page(
            request, "refused.html", {"reason": "This form was sent from another site."}, 403
        )
    # A field people never see: a bot that fills every field is thanked and ignored.
    if request.POST.get("website"):
        return _page(request, "check_mail.html", {})
    chosen = request.POST.getlist("list") or [lists.BRIEFING]
    try:
        services.subscriber_sign_up(
            email=request.POST.get("email", ""),
            list_keys=chosen,
            client=client_address(request),
        )
    except services.SignUpRefused as exc:
        site = site_context()
        return _page(
            request,
            "page.html",
            {
                "lists": lists.available(site.sections),
                "error": str(exc),
                "email": request.POST.get("email", "")[:254],
                "chosen": chosen,
            },
            400,
        )
    except services.TooMany:
        response = _page(
            request, "refused.html", {"reason": "Too many sign-ups from here; try in an hour."}, 429
        )
        response["Retry-After"] = "3600"
        return response
    return _page(request, "check_mail.html", {})


def _refused(request, exc: tokens.TokenRefused) -> HttpResponse:
    return _page(request, "refused.html", {"reason": str(exc), "expired": exc.expired}, 400)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read(tokens.CONFIRM, token)
    except tokens.TokenRefused as exc:
        return _refused(request, exc)
    named = [x for x in (lists.by_key(k) for k in claim.lists) if x is not None]
    if request.method != "POST":
        return _page(request, "confirm.html", {"lists": named, "token": token})
    services.subscriber_confirm(subscriber=claim.subscriber, list_keys=claim.lists)
    manage_token = tokens.make(tokens.MANAGE, claim.subscriber)
    return _page(request, "confirmed.html", {"lists": named, "manage_token": manage_token})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read(tokens.MANAGE, token)
    except tokens.TokenRefused as exc:
        return _refused(request, exc)
    subscriber = claim.subscriber
    saved = False
    if request.method == "POST":
        if request.POST.get("erase"):
            services.subscriber_erase_own(subscriber=subscriber)
            return _page(request, "erased.html", {})
        services.subscriptions_set(subscriber=subscriber, list_keys=request.POST.getlist("list"))
        saved = True
    mine = services.subscriber_lists(subscriber)
    named = [x for x in (lists.by_key(k) for k in mine) if x is not None]
    return _page(request, "manage.html", {"lists": named, "token": token, "saved": saved})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read(tokens.UNSUBSCRIBE, token)
    except tokens.TokenRefused as exc:
        return _refused(request, exc)
    newsletter = lists.by_key(claim.lists[0]) if claim.lists else None
    if request.method != "POST":
        return _page(request, "unsubscribe.html", {"newsletter": newsletter, "token": token})
    for key in claim.lists:
        services.subscription_end(subscriber=claim.subscriber, list_key=key)
    manage_token = tokens.make(tokens.MANAGE, claim.subscriber)
    return _page(
        request, "unsubscribed.html", {"newsletter": newsletter, "manage_token": manage_token}
    )
