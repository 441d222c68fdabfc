"""Static pages (About, Contact, Privacy, a corrections policy…): a title, an address and a
body in the stories' format (news.body), published or not, with every saved text kept as a
revision; and the footer menu that links some of them, in order, from every public page.

Above news in the dependency direction: pages use news' body format and touches; news never
imports pages (the footer reaches the public templates through config/jinja.py)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from dateline.core.text import cut_at_word
from dateline.news import body as body_format

# The first segment of every other public or desk address: a page there would be shadowed
# by (or shadow) the route, so these slugs are refused.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "author",
        "corrections",
        "feeds",
        "healthz",
        "media",
        "newsroom",
        "section",
        "search",
        "sitemaps",
        "static",
        "story",
        "tag",
        "topic",
        "__static__",
    }
)
_SLUG = re.compile(r"^[\w-]+$")
DESCRIPTION_LENGTH = 160


def slug_refusal(slug: str) -> str | None:
    """Why `slug` cannot be a page's address, or None."""
    if not slug or not _SLUG.match(slug) or slug.strip("-_") != slug:
        return "an address is letters, digits and hyphens, e.g. about-us"
    if slug.lower() in RESERVED_SLUGS:
        return f"/{slug}/ is taken by another part of the site"
    return None


class PageStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Page(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="For search engines and link previews; the body's first words if empty.",
    )
    body = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=PageStatus.choices, default=PageStatus.DRAFT)
    # Bumped by every save (pages.services.page_save): of two saves from one version,
    # exactly one wins.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An imported page (a WordPress page): its source and id there, and a fingerprint of
    # the version imported, so a second import changes nothing.
    source = models.CharField(max_length=100, blank=True, default="")
    source_id = models.CharField(max_length=200, blank=True, default="")
    source_version = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="page_source_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The same invariant as a story's body: whatever the path in, only sanitised HTML
        # is stored (news/body.py), so rendering it is safe.
        self.body = body_format.sanitize(self.body or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pages:page", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == PageStatus.PUBLISHED

    def clean(self) -> None:
        refusal = slug_refusal(self.slug)
        if refusal:
            raise ValidationError({"slug": refusal})

    @property
    def meta_description(self) -> str:
        """The description given, or the body's first words (pictures and embeds aside)."""
        if self.description.strip():
            return self.description.strip()
        return cut_at_word(body_format.text_for_counting(self.body), DESCRIPTION_LENGTH)


class PageRevision(models.Model):
    """A page's text as one save left it: any two compared, any one restored."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version", "-pk"]

    def __str__(self) -> str:
        return f"{self.page} v{self.version}"


class FooterLink(models.Model):
    """One entry of the footer menu. Only published pages show; the order is `position`."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="footer_link")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}: {self.page}"


class PageRedirect(models.Model):
    """An old address of a page (a WordPress permalink, `/?page_id=12`) answering 301 to
    the page, looked up only when nothing else answers (news.middleware)."""

    old_path = models.CharField(max_length=1000, unique=True)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="redirects")
    source = models.CharField(max_length=100, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.old_path} → {self.page_id}"
