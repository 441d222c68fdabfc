"""The purges not yet delivered to a cache in front (pagecache/purge.py).

A row is written in the transaction of the change that needs it, so the purge outlives the
process that made the change: the process sends it and deletes the row; if the process is
gone first, `dateline worker` sends it."""

from django.db import models


class PendingPurge(models.Model):
    url = models.CharField(max_length=500)
    keys = models.TextField()  # the xkey header: space-separated tags
    # When `dateline worker` may send it: the process that wrote it tries first, until then.
    due_at = models.DateTimeField(db_index=True)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.url} {self.keys[:60]}"
