"""Old addresses of migrated pages (pages.PageRedirect: `/about-us/`, `/?page_id=12`)
answer 301 to the page, like news.middleware does for stories: only a request that nothing
else answered (a 404) is looked up."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect

from dateline.pagecache.wsgi import mark_cacheable


class PageRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        from dateline.pages.selectors import page_redirect_target

        query = request.META.get("QUERY_STRING", "")
        try:
            target = page_redirect_target(request.path + (f"?{query}" if query else ""))
        except Exception:  # a broken lookup must not turn a 404 into a 500
            return response
        if target is None:
            return response
        return mark_cacheable(HttpResponsePermanentRedirect(target.location), deps=target.deps)
