"""Writing the index: what a writer of many stories at once asks of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from dateline.search import schema


@contextmanager
def batch() -> Iterator[None]:
    """Index the stories written inside the block once each, at its end, instead of once
    for every statement that touches them (schema.py, "Batches"). The end is in the same
    transaction as the writes: once the block is left, search finds every story as it is,
    and an error inside rolls back the writes and the flag together (with the enclosing
    transaction: the block opens no savepoint). A block inside
    another is part of it."""
    if getattr(connection, "_search_batch", False):
        yield
        return
    vendor = connection.vendor
    # No savepoint of its own (two statements a batch): an error inside leaves the
    # enclosing transaction to roll back, which Django then insists on.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for sql in schema.BATCH_START[vendor]:
            cursor.execute(sql)
        connection._search_batch = True
        try:
            yield
        finally:
            connection._search_batch = False
        for sql in schema.BATCH_END[vendor]:
            cursor.execute(sql)
