"""Public pages. Every view here is open to anyone for GET and HEAD only (`require_safe`),
and each one reads its whole page through one selector."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dateline.news import selectors
from dateline.pagecache.wsgi import mark_cacheable


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _cached(response: HttpResponse, page) -> HttpResponse:
    return mark_cacheable(response, deps=page.deps, expires_at=page.site.expires_at)


@require_safe
def front(request: HttpRequest) -> HttpResponse:
    # WordPress's own short links (/?p=123, /?page_id=45) of migrated stories.
    for key in ("p", "page_id"):
        if key in request.GET:
            return _legacy_redirect(request, f"/?{key}={request.GET[key]}")
    page = selectors.front_page()
    return _cached(render(request, "news/front.html", {"page": page, "site": page.site}), page)


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.article_page(slug=slug)
    if page is None:
        raise Http404("No published story at this address.")
    response = render(request, "news/article.html", {"page": page, "site": page.site})
    if page.csp:
        # A part that runs a script of this site (live coverage's updates) says so, added
        # to what the public policy allows (the Most read beacon: config/security.py).
        from config.security import public_policy

        base = public_policy()
        response._csp_replace = {
            key: sorted({*base.get(key, []), *sources} - {"'none'"})
            for key, sources in page.csp.items()
        }
    return _cached(response, page)


def _listing(request: HttpRequest, select, **subject) -> HttpResponse:
    """A listing page (section, tag, topic, author), addressed by cursor (`?older=`,
    `?newer=`, selectors.ListingPage).

    Numbered pages (`?page=N`) are gone: page N was "stories 20N to 20N+19 counted from
    the newest", a window that moved with every story published, and finding it meant
    counting the archive. `?page=1` is the first page, so it answers 301 there. Any other
    number has no lasting target to send a reader or a crawler to (sending all of them to
    the first page would be a soft 404), so it answers 404 and crawlers drop it; they
    reach every story through the "Older" links and the sitemaps."""
    if "page" in request.GET:
        if request.GET["page"] == "1" and len(request.GET) == 1:
            return mark_cacheable(HttpResponsePermanentRedirect(request.path), deps=())
        raise Http404("Listings are no longer numbered; start from the first page.")
    page = select(older=request.GET.get("older", ""), newer=request.GET.get("newer", ""), **subject)
    if page is None:
        raise Http404("Nothing here.")
    return _cached(render(request, "news/listing.html", {"page": page, "site": page.site}), page)


@require_safe
def section(request: HttpRequest, slug: str) -> HttpResponse:
    return _listing(request, selectors.section_page, slug=slug)


@require_safe
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    return _listing(request, selectors.tag_page, slug=slug)


@require_safe
def topic(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    return _listing(request, selectors.topic_page, kind=kind, slug=slug)


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    return _listing(request, selectors.author_page, slug=slug)


def _legacy_redirect(request: HttpRequest, old_path: str) -> HttpResponse:
    target = selectors.redirect_target(old_path)
    if target is None:
        return page_not_found(request, None)
    return mark_cacheable(HttpResponsePermanentRedirect(target.location), deps=target.deps)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    try:
        site = selectors.site_context()
    except Exception:  # the 404 page must render even when the database is unwell
        site = None
    return render(request, "news/404.html", {"site": site, "path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No database access here: the error may be the database itself.
    return render(request, "news/500.html", {"site": None}, status=500)


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    page = selectors.corrections_page(page=_page_number(request))
    return _cached(
        render(request, "news/corrections.html", {"page": page, "site": page.site}), page
    )


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on every page they show, admin included."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("news/favicon.ico"), permanent=True)
