"""What Most read keeps: reads per story per hour, and the ranking readers see.

No row here names a reader: an hour, a story and a number. The addresses that decide
whether a read is a repeat are hashed and forgotten after the window (seen.py)."""

from django.db import models


class HourlyReads(models.Model):
    """Reads of a story within one hour (UTC, on the hour). The database's copy of the
    counts when the cache is not shared; Redis keeps them otherwise (store.py)."""

    hour = models.DateTimeField()
    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="+")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "article"], name="mostread_hour_article")
        ]
        verbose_name_plural = "hourly reads"

    def __str__(self) -> str:
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H}:00: {self.reads}"


class RankedStory(models.Model):
    """The ranking pages show, as the last refresh left it (ranking.py): pages read this,
    never the live counts, so a kept page is what a render would show now."""

    position = models.PositiveSmallIntegerField(unique=True)
    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="+")
    reads = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.article_id}"
