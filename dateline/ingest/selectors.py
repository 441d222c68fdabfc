"""Reads of wire items, for the newsroom's wire screen."""

from __future__ import annotations

from django.db.models import Prefetch

from dateline.ingest.models import WireItem


def wire_desk_items(*, limit: int = 200) -> list[WireItem]:
    """The newest items first, each near-duplicate group under its earliest item
    (`item.group` lists the others, oldest first). Three queries whatever the number."""
    members = WireItem.objects.select_related("source", "article").order_by("received_at", "pk")
    return list(
        WireItem.objects.filter(duplicate_of__isnull=True)
        .select_related("source", "article")
        .prefetch_related(Prefetch("duplicates", queryset=members, to_attr="group"))
        .order_by("-received_at", "-pk")[:limit]
    )
