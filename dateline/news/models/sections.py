from django.db import models

from dateline.core.text import quote


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Order in navigation, lowest first."
    )
    description = models.TextField(blank=True)
    in_navigation = models.BooleanField(default=True)
    source_id = models.CharField(
        max_length=300, blank=True, default="", help_text="Subject URI of imported items."
    )
    # Sections nest as WordPress categories do (News › Local); pages stay per section.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Formatted rather than reverse()d: every page lists the sections (test_pages).
        return f"/section/{quote(self.slug)}/"
