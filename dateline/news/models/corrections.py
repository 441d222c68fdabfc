from django.db import models


class Correction(models.Model):
    """A typed change to a published story. Readers see corrections, clarifications and
    retractions (on the story and on /corrections/); every kind but a typo fix moves the
    story's "Updated" time."""

    class Kind(models.TextChoices):
        TYPO = "typo", "Typo fix"
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        RETRACTION = "retraction", "Retraction"

    SHOWN = (Kind.CORRECTION, Kind.CLARIFICATION, Kind.RETRACTION)
    SUBSTANTIVE = (Kind.UPDATE, Kind.CORRECTION, Kind.CLARIFICATION, Kind.RETRACTION)

    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="What was wrong and what is right now.")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.article}"

    @property
    def shown(self) -> bool:
        return self.kind in self.SHOWN
