"""A static page's public address, `/<slug>/`: GET and HEAD only, kept by the page cache
under the page's tags."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dateline.pagecache.wsgi import mark_cacheable
from dateline.pages import selectors


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.page_page(slug)
    if found is None:
        # A 404 here still goes to the old-address middlewares (a WordPress post's
        # /slug/ permalink looks just like a page's address).
        raise Http404("No page at this address.")
    response = render(request, "pages/page.html", {"page": found, "site": found.site})
    return mark_cacheable(response, deps=found.deps, expires_at=found.site.expires_at)
