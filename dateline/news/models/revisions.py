from django.conf import settings
from django.db import models


class Revision(models.Model):
    """The text of a story as one save left it. Every save through article_save keeps one,
    so any two can be compared and any one restored."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    headline = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    # A proposed change to a live story, waiting for review; `version` is the live
    # version it was written against. The live story is untouched until it is approved.
    pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version", "-pk"]

    def __str__(self) -> str:
        return f"{self.article} v{self.version}"
