"""Wire sources (agency feeds the desk subscribes to) and the items they delivered.

Articles made from wire copy live in `news`; a WireItem is the wire's own record of an item:
which source sent it under which guid and version, which article it became, and which
near-duplicate group it belongs to. `news` never imports this module.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models


class WireSource(models.Model):
    class Kind(models.TextChoices):
        URL = "url", "URL (polled over HTTP)"
        FOLDER = "folder", "Folder on this server"

    class Format(models.TextChoices):
        FEED = "feed", "RSS or Atom"
        NINJS = "ninjs", "IPTC ninjs (JSON)"
        NEWSML = "newsml", "IPTC NewsML-G2"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.URL)
    location = models.CharField(
        max_length=1000, help_text="The feed's http(s) URL, or the folder's absolute path."
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.FEED)
    default_section = models.ForeignKey(
        "news.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_credit = models.CharField(
        max_length=200, blank=True, help_text='Used when an item names none, e.g. "reports AFP".'
    )
    publish_directly = models.BooleanField(
        default=False,
        help_text="Trusted source: its items go live at once instead of landing as drafts.",
    )
    interval = models.PositiveIntegerField(default=300, help_text="Seconds between polls.")
    enabled = models.BooleanField(default=True)
    # Conditional GET state, and what the last poll found.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def article_source(self) -> str:
        """The `Article.source` of this source's stories; with the guid, their key."""
        return f"wire:{self.pk}"

    def clean(self):
        if self.kind == self.Kind.URL:
            parts = urlsplit(self.location.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError({"location": "A URL source needs an http(s) URL."})
        else:
            path = Path(self.location.strip())
            if not path.is_absolute() or not path.is_dir():
                raise ValidationError(
                    {"location": "A folder source needs the absolute path of an existing folder."}
                )
        if self.interval < 30:
            raise ValidationError({"interval": "Poll at most every 30 seconds."})


class WireItem(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        UPDATED = "updated", "Updated"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # The desk took the story down: the agency's new version waits as a proposal.
        HELD = "held", "Held (taken down by the desk)"
        # The desk edited the live story: the agency's new version waits for review.
        PROPOSED = "proposed", "Proposed (the desk edited the story)"

    source = models.ForeignKey(WireSource, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=500)
    # The agency's version (NewsML-G2: a number, higher is newer), or "h:" + a hash of the
    # content for formats without one (RSS/Atom, ninjs): any change is then an update.
    version = models.CharField(max_length=64)
    article = models.ForeignKey(
        "news.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=300, blank=True)
    # 64-bit SimHash of the text, stored signed (BigIntegerField is a signed 64-bit integer).
    fingerprint = models.BigIntegerField(null=True, blank=True)
    # The article's text as made (duplicates.sketch): rules out most near-duplicate
    # candidates without their text; ignored once the article's text is another.
    sketch = models.BinaryField(null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="wireitem_unique_guid")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.guid} v{self.version}"
