"""The archive in fixed blocks of story ids, for outputs that list every story (the
articles sitemap: one file per block). A block's row keeps what those outputs say about
the block as a whole, so that nothing has to read the archive to say it."""

from __future__ import annotations

from django.db import models

# Stories 1–1,000 are block 0, 1,001–2,000 block 1, and so on. A block's file then holds
# at most 1,000 entries whatever the size of the archive, and a million stories make an
# index of 1,000 files (the protocol allows 50,000).
BLOCK_SIZE = 1_000


# Read at each call (tests make blocks small to have many).
def block_of(article_id: int) -> int:
    return (article_id - 1) // BLOCK_SIZE


def block_ids(number: int) -> tuple[int, int]:
    """The first and last story id of block `number`."""
    return number * BLOCK_SIZE + 1, (number + 1) * BLOCK_SIZE


class ArchiveBlock(models.Model):
    """Kept by `services.archive_blocks_refresh` whenever a story's visibility, address or
    update time changes (the same changes that touch its sitemap file)."""

    number = models.PositiveIntegerField(primary_key=True)
    # The newest substantive change (update time, else publication time) among the
    # block's visible stories when the row was written; null when none was visible.
    lastmod = models.DateTimeField(null=True)
    # The earliest publication time, still to come when the row was written, among the
    # block's scheduled stories: once it has passed, lastmod is read from the stories
    # themselves (a story goes live on its second with nothing written).
    due = models.DateTimeField(null=True)

    def __str__(self) -> str:
        first, last = block_ids(self.number)
        return f"stories {first}–{last}"
