from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from dateline.core import clock
from dateline.core.models import TimestampedModel
from dateline.core.text import cut_at_word, html_to_text, quote, word_count
from dateline.news import body as body_format

TEASER_SOURCE_CHARS = 600


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # A story known only by reference (an ALSO READ link that arrived before its item).
    PLACEHOLDER = "placeholder", "Placeholder"


class ArticleQuerySet(models.QuerySet):
    def published(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        """Visible to readers: decided at query time, so a scheduled story goes live on the
        second with no worker running."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=now or clock.now())

    def scheduled(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        return self.filter(status=Status.PUBLISHED, published_at__gt=now or clock.now())

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> ArticleQuerySet:
        """What a teaser needs, and nothing more (no body)."""
        return self.select_related("section", "lead_picture").only(
            "pk",
            "headline",
            "slug",
            "standfirst",
            "source_credit",
            "teaser_source",
            "published_at",
            "section__name",
            "section__slug",
            "lead_picture__file",
            "lead_picture__focal_x",
            "lead_picture__focal_y",
            "lead_picture__width",
            "lead_picture__height",
            "lead_picture__alt_text",
            "lead_picture__caption",
            "lead_picture__credit",
        )


class Article(TimestampedModel):
    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    standfirst = models.TextField(blank=True, help_text="The summary under the headline.")
    source_credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='Shown after the standfirst, e.g. "reports Asian Lite News".',
    )
    body = models.TextField(
        blank=True, help_text="Sanitised HTML; pictures and related stories by reference."
    )
    # What search engines and social cards show, when the desk wants other words than the
    # page's own: empty falls back to the headline and the standfirst.
    social_headline = models.CharField(
        "social headline",
        max_length=200,
        blank=True,
        help_text="For search results and social cards; the headline when empty.",
    )
    social_description = models.CharField(
        "social description",
        max_length=300,
        blank=True,
        help_text="For search results and social cards; the standfirst when empty.",
    )
    body_words = models.PositiveIntegerField(default=0, editable=False)
    teaser_source = models.TextField(blank=True, editable=False)
    section = models.ForeignKey(
        "news.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    authors = models.ManyToManyField("news.Author", blank=True, related_name="articles")
    tags = models.ManyToManyField("news.Tag", blank=True, related_name="articles")
    topics = models.ManyToManyField("news.Topic", blank=True, related_name="articles")
    lead_picture = models.ForeignKey(
        "pictures.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Derived from the body's references on every save; used to fetch them in one query
    # and to know which stories' pages a change reaches.
    body_pictures = models.ManyToManyField(
        "pictures.Picture", blank=True, related_name="+", editable=False
    )
    related_articles = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="referenced_by", editable=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text="The update time shown to readers."
    )
    language = models.CharField(max_length=20, blank=True)
    located = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=40, blank=True, default="")
    source_id = models.CharField(max_length=500, blank=True, default="")
    source_version = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Optimistic locking: every save through article_save bumps it; a save that started
    # from an older version is refused (services.EditConflict) instead of overwriting.
    version = models.PositiveIntegerField(default=0, editable=False)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Whose story it is: a writer edits and submits their own drafts only. Empty for
    # imported and wire copy, which only editors take on.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # Every listing reads newest first by (published_at, id) and pages by a row
        # comparison on that pair (keyset), so each index ends in both columns: the
        # database walks it from the cursor and stops after a page, at any depth.
        indexes = [
            models.Index(fields=["status", "published_at", "id"], name="article_visible"),
            models.Index(
                fields=["section", "status", "published_at", "id"],
                name="article_section_visible",
            ),
            # The newsroom's story list (newsroom.desk): last changed first, all stories,
            # one status, or one section; or newest published first. Paged by keyset on
            # the pair each ends in, like the public listings.
            models.Index(fields=["modified_at", "id"], name="article_desk_changed"),
            models.Index(
                fields=["status", "modified_at", "id"], name="article_desk_status_changed"
            ),
            models.Index(
                fields=["section", "modified_at", "id"], name="article_desk_section_changed"
            ),
            models.Index(fields=["published_at", "id"], name="article_desk_published"),
            models.Index(
                fields=["created_by", "modified_at", "id"], name="article_desk_creator_changed"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="article_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        # Formatted rather than reverse()d: listings call this dozens of times a page.
        # Kept equal to the "news:article" route (tested in test_pages).
        return f"/story/{quote(self.slug)}/"

    def save(self, *args, **kwargs):
        # The invariant holds whatever the path in (admin, import, shell): a body is
        # stored sanitised, and its derived counts match it.
        self.derive()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "body",
                "body_words",
                "teaser_source",
            }
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Sanitise the body and compute what is derived from it, as every save does; a
        bulk insert (news.services.articles_create) calls it for each row itself."""
        self.__dict__.pop("_teasers", None)
        self.body = body_format.sanitize(self.body)
        body_text = body_format.text_for_counting(self.body)
        self.body_words = word_count(body_text)
        lead = self.standfirst_with_credit
        if lead and lead[-1].isalnum():
            # A standfirst ending in its credit has no full stop; without one the teaser
            # would run "…reports Courier Staff The bridge…" together.
            lead += "."
        self.teaser_source = cut_at_word(
            " ".join(p for p in (lead, body_text) if p),
            TEASER_SOURCE_CHARS,
            ellipsis="",
        )

    @property
    def standfirst_with_credit(self) -> str:
        text = (self.standfirst or "").strip()
        credit = (self.source_credit or "").strip()
        if not credit:
            return text
        if not text:
            return credit
        return f"{text}, {credit}" if text[-1].isalnum() else f"{text} {credit}"

    @property
    def reading_minutes(self) -> int:
        from dateline.core.text import reading_minutes

        return reading_minutes(self.body_words)

    def teaser(self, limit: int) -> str:
        # Listings memoised per process (a section's newest, Don't Miss) reuse instances,
        # so each cut is made once.
        cache = self.__dict__.setdefault("_teasers", {})
        if limit not in cache:
            cache[limit] = cut_at_word(self.teaser_source or html_to_text(self.standfirst), limit)
        return cache[limit]

    @property
    def is_visible(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= clock.now()
        )
