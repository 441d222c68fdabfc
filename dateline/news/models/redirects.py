from django.db import models


class Redirect(models.Model):
    """An old address of a story (a WordPress permalink, `?p=123`) that answers 301 to the
    story's address now. Looked up only when nothing else answers the request."""

    old_path = models.CharField(
        max_length=1000, unique=True, help_text="Path and query, e.g. /2024/06/hello/ or /?p=10"
    )
    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="redirects")
    source = models.CharField(max_length=40, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.old_path} → {self.article_id}"
