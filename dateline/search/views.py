"""The reader's search page, /search/?q=… (GET only, no JavaScript needed).

Not kept in the page cache, on purpose: which stories a query finds depends on the text of
every visible story, so an edit to any story's body may change any query's results — no
tag narrower than "any story changed" says when a kept page is stale, and one that every
edit bumps would empty it as fast as it fills. And the queries are unbounded: kept, every
new one (a bot's, an attacker's) would push a front page out of the bounded store. A
search costs two queries on the story tables (bench/README.md, Search); the page says
`no-store`, so no shared cache keeps it either.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from dateline.news.models import Author
from dateline.news.selectors import site_context
from dateline.search.selectors import Filters, Sort, search_stories

SORTS = {"": Sort.BEST, "best": Sort.BEST, "relevance": Sort.RELEVANCE, "newest": Sort.NEWEST}


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    site = site_context()
    q = request.GET.get("q", "")
    zone = site.publication.zone
    section = next((s for s in site.sections if s.slug == request.GET.get("section")), None)
    author = None
    if slug := request.GET.get("author", "").strip():
        author = Author.objects.filter(slug=slug).only("pk", "name", "slug").first()
    since, until = _date(request.GET.get("from")), _date(request.GET.get("to"))
    filters = Filters(
        section_id=section.pk if section else None,
        author_id=author.pk if author else None,
        # Dates are the publication's local days: "to" includes the whole of its day.
        published_from=dt.datetime.combine(since, dt.time(), tzinfo=zone) if since else None,
        published_before=(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            if until
            else None
        ),
    )
    sort_key = request.GET.get("sort", "")
    results = search_stories(
        q,
        filters=filters,
        sort=SORTS.get(sort_key, Sort.BEST),
        cursor=request.GET.get("cursor"),
        now=site.now,
    )
    params = {
        k: v
        for k, v in (
            ("q", results.query.raw),
            ("section", section.slug if section else ""),
            ("author", author.slug if author else ""),
            ("from", since.isoformat() if since else ""),
            ("to", until.isoformat() if until else ""),
            ("sort", sort_key if sort_key in SORTS else ""),
        )
        if v
    }
    response = render(
        request,
        "search/results.html",
        {
            "site": site,
            "results": results,
            "asked": bool(q.strip()),
            "params": params,
            "section": section,
            "author": author,
            "since": since,
            "until": until,
            "sort_key": sort_key if sort_key in SORTS else "",
        },
    )
    add_never_cache_headers(response)
    return response
