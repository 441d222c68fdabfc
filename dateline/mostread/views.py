"""The desk's Most read screen (/newsroom/most-read/): every story read in the last 24
hours with its reads then and in the last hour, from the live counts, and the ranking
readers see now (the last refresh). Mounted under /newsroom/ by config/urls.py and
guarded by the newsroom's policy."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dateline.mostread import ranking
from dateline.mostread.models import RankedStory
from dateline.mostread.store import hour_of, store
from dateline.news.models import Article

LISTED = 50


def most_read(request: HttpRequest) -> HttpResponse:
    now = time.time()
    day = ranking.counts(now)[:LISTED]
    hour = store().totals(hour_of(now))
    stories = Article.objects.in_bulk([pk for pk, _ in day])
    rows = [
        {"article": stories[pk], "day": n, "hour": hour.get(pk, 0)}
        for pk, n in day
        if pk in stories
    ]
    shown = RankedStory.objects.select_related("article")
    return render(
        request,
        "mostread/desk.html",
        {"rows": rows, "shown": shown, "every": ranking.REFRESH_SECONDS // 60},
    )
