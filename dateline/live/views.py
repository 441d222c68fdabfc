"""Public reads of live coverage: the fragment an open page polls for new entries. Open to
anyone for GET and HEAD only, kept by the page cache under the story's `live:<id>` like
its page, so that a poll costs a cache hit until an entry changes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_safe

from dateline.live.selectors import live_fragment
from dateline.pagecache.wsgi import mark_cacheable


def _after(request: HttpRequest) -> int | None:
    """`?after=<id>` in its one spelling (no sign, no leading zero, nothing else asked),
    so that every open page at the same entry shares one cache key."""
    raw = request.GET.get("after", "0")
    if set(request.GET) - {"after"} or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    if raw != str(int(raw)):
        return None
    return int(raw)


@require_safe
def fragment(request: HttpRequest, slug: str) -> HttpResponse:
    after = _after(request)
    if after is None:
        return HttpResponseBadRequest("?after= takes the id of the newest entry the page shows.")
    found = live_fragment(slug=slug, after=after)
    if found is None:
        raise Http404("No live story at this address.")
    live = found.live
    data = {
        "after": max(after, live.after),
        "revision": live.coverage.revision,
        "ended": not live.coverage.is_live,
        "entries": [
            {
                "id": e.pk,
                "pinned": e.pinned,
                "key_event": e.key_event,
                "html": str(live.entry_html(e)),
            }
            for e in live.entries
        ],
    }
    return mark_cacheable(JsonResponse(data), deps=found.deps, expires_at=found.expires_at)
