"""Opaque cursors for keyset pagination over (published_at, id), newest first.

A cursor is the position of the last item a page showed: the next page is everything
strictly after it in the order, found through the index without counting or skipping
rows, so page 50,000 costs what page 1 does."""

from __future__ import annotations

import base64
import datetime as dt


class BadCursor(ValueError):
    pass


def encode(published_at: dt.datetime, pk: int) -> str:
    raw = f"{published_at.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _, pk = raw.partition("|")
        at = dt.datetime.fromisoformat(when)
        number = int(pk)
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("This cursor is not one the API gave out.") from None
    if at.tzinfo is None or number < 1 or len(cursor) > 200:
        raise BadCursor("This cursor is not one the API gave out.")
    return at, number
