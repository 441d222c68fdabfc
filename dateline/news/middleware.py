"""Old addresses of migrated stories (news.Redirect) and static pages (pages.PageRedirect)
answer 301 to where they live now.

A middleware rather than URL patterns: old permalinks have any shape (/2024/06/05/slug/,
/news/slug.html), and only a request nothing else answered (a 404) is looked up, so the
lookup costs nothing on pages that exist. It works the same with DEBUG on or off."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.module_loading import import_string

from dateline.pagecache.wsgi import mark_cacheable


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        # Stored paths are decoded (/2026/03/18/مرفأ/), as request.path is. Each app that
        # keeps old addresses (stories here, static pages) names its lookup in
        # DATELINE_REDIRECT_LOOKUPS; the first that knows the address answers.
        query = request.META.get("QUERY_STRING", "")
        old_path = request.path + (f"?{query}" if query else "")
        target = None
        for lookup in settings.DATELINE_REDIRECT_LOOKUPS:
            try:
                target = import_string(lookup)(old_path)
            except Exception:  # a broken lookup must not turn a 404 into a 500
                return response
            if target is not None:
                break
        if target is None:
            return response
        # Search engines keep asking for a migrated site's old addresses: the answer may be
        # kept like a page, until the redirect or the story's address changes.
        return mark_cacheable(HttpResponsePermanentRedirect(target.location), deps=target.deps)
