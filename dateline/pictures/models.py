"""The picture library: each picture once, with its caption, credit and alt text as fields."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from dateline.core.models import TimestampedModel


class Picture(TimestampedModel):
    file = models.ImageField(
        upload_to="pictures/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made the picture, e.g. ANI."
    )
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from the left edge (0) to the right (1).",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from the top (0) to the bottom (1).",
    )
    # Set when the file was stored without its private metadata (pictures/metadata.py):
    # only then is the file itself published (ninjs). Pictures stored before may still say
    # where they were taken; their renditions stand for them.
    metadata_cleaned = models.BooleanField(default=False, editable=False)
    source = models.CharField(max_length=40, blank=True, default="")
    source_id = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="picture_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.caption or self.file.name

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""

    def srcset(self, ratio: str | None = None, fmt: str = "jpg", limit: int = 1920) -> str:
        from dateline.pictures import renditions

        return renditions.srcset(self, ratio=ratio, fmt=fmt, limit=limit)

    def rendition_url(self, width: int, ratio: str | None = None, fmt: str = "jpg") -> str:
        from dateline.pictures import renditions

        return renditions.url(self, renditions.widths_for(self, width)[-1], ratio=ratio, fmt=fmt)
