"""Live coverage: a story with short timestamped entries added from the desk while events
unfold. Dependency direction: live → news (Article), pictures through bodies; news never
imports live (it shows the entries through the part live adds to its article page)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LiveCoverage(models.Model):
    """A story that is (or was) covered live: from `started_at` until `ended_at`."""

    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, related_name="live_coverage", primary_key=True
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Moves with every change but an added entry (an edit, a deletion, a pin): a reader's
    # page that sees a new revision loads the whole stream again, not only what is new.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "live coverage"

    def __str__(self) -> str:
        return f"Live: {self.article}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class LiveEntry(models.Model):
    """One entry of a live story. Its body is stored as story bodies are (news/body.py:
    sanitised HTML with picture and embed references), so it renders the same way."""

    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="live_entries"
    )
    posted_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    key_event = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The byline readers see: the poster's full name when they have one, kept as text.
    byline = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name_plural = "live entries"
        indexes = [models.Index(fields=["article", "posted_at", "id"], name="live_entry_stream")]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.pk} {self.title or self.body[:40]}"

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"
