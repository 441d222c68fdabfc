"""The wire desk screen. It lives here, beside the wire it shows, and is mounted among the
newsroom's routes by config/urls.py: ingest uses the newsroom (its actions, its policy),
so the newsroom never imports ingest."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dateline.ingest.selectors import wire_desk_items


def wire(request: HttpRequest) -> HttpResponse:
    """What the agencies sent, newest first, near-duplicates grouped."""
    return render(request, "ingest/wire.html", {"items": wire_desk_items()})
