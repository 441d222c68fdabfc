#!/usr/bin/env python
"""A wire archive already stored, for `feed_poll.py` at a busy wire's window.

    DATABASE_URL=postgres://…/db .venv/bin/python bench/wire_store.py N

Migrates the (empty) database and stores N wire items received now, each with its draft
story: the same generated text as `feed_poll.py` (other numbers), fingerprint and sketch
as the wire would store them. Rows go in by bulk INSERT, not through the door: 100,000
items take a few minutes where polling them in would take an hour. Copy the database
(`createdb -T`) to poll it more than once from the same start.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

CHUNK = 2000
FIRST = 10_000_000  # story numbers: far from those feed_poll.py serves


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    import django

    django.setup()
    from django.core.management import call_command
    from feed_poll import story

    from dateline.core import clock
    from dateline.ingest import duplicates
    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.models import Article

    call_command("migrate", verbosity=0)
    source = WireSource.objects.create(
        name="stored", kind="folder", location="/nonexistent", format="feed", enabled=False
    )
    now = clock.now()
    rng = random.Random(FIRST)
    started = time.perf_counter()
    for start in range(0, n, CHUNK):
        texts = [story(rng, FIRST + i) for i in range(start, min(n, start + CHUNK))]
        articles = Article.objects.bulk_create(
            Article(
                headline=headline,
                slug=f"stored-{FIRST + start + k}",
                body=body,
                source="stored",
                source_id=f"stored-{FIRST + start + k}",
            )
            for k, (headline, body) in enumerate(texts)
        )
        items = []
        for article in articles:
            words = duplicates.normalised_words(article.headline, article.body)
            found = duplicates.shingles(words)
            item = WireItem(
                source=source,
                guid=article.source_id,
                version="1",
                article=article,
                headline=article.headline,
                fingerprint=duplicates.to_signed(duplicates.simhash(words, found)),
                received_at=now,
                updated_at=now,
            )
            if hasattr(duplicates, "sketch"):
                item.sketch = duplicates.sketch(article.headline, article.body, found)
            items.append(item)
        WireItem.objects.bulk_create(items)
        print(f"{start + len(texts)} stored, {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
