"""One ordered list edited a step at a time (the front page's curated lists, the footer
menu): the desk sends an item and what to do with it, the action gets the whole new list."""

from __future__ import annotations


def list_edited(items: list, item, op: str) -> list:
    """`items` with `item` added at the end ("add"), taken out ("remove") or moved one
    place ("up", "down"); unchanged for anything else, or a move past either end."""
    ids = [x.pk for x in items]
    if op == "add" and item.pk not in ids:
        return [*items, item]
    if op == "remove":
        return [x for x in items if x.pk != item.pk]
    if op in ("up", "down") and item.pk in ids:
        i = ids.index(item.pk)
        j = i - 1 if op == "up" else i + 1
        if 0 <= j < len(items):
            items = list(items)
            items[i], items[j] = items[j], items[i]
    return list(items)
