from django.db import models


class Collection(models.Model):
    """A curated list such as "Don't Miss": editors pick the stories and their order."""

    key = models.SlugField(max_length=50, unique=True, help_text="e.g. dont-miss")
    title = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "article"], name="collection_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.article}"
