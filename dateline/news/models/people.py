from django.db import models

from dateline.core.text import quote


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Formatted, not reverse()d: bylines are on every article (kept equal in test_pages).
        return f"/author/{quote(self.slug)}/"
