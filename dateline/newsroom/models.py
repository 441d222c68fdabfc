"""Workflow state and the audit log. Publication itself stays in news (status and
published_at); the workflow here is separate from it: a story can be in review while live."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class WorkflowState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class Workflow(models.Model):
    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, related_name="workflow", primary_key=True
    )
    state = models.CharField(
        max_length=20, choices=WorkflowState.choices, default=WorkflowState.DRAFT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now=True)
    # Set when a person unpublished or withdrew the story (a legal takedown, say): no
    # source and no importer may put it back; only a person publishing it again does.
    taken_down = models.BooleanField(default=False)

    class Meta:
        # The desk's "Needs me" reads the stories in review through this (newsroom.desk).
        indexes = [
            models.Index(fields=["state"], name="workflow_state"),
            # Few stories are assigned at any time: the index holds only those, so a
            # database that counts NULLs as one value still finds it selective.
            models.Index(
                fields=["assigned_to"],
                condition=models.Q(assigned_to__isnull=False),
                name="workflow_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.get_state_display()}"


class AuditEntry(models.Model):
    """Who did what to which story, and when. Written by every newsroom action."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words: the person's username or the system actor's name ("wire source AFP",
    # "wordpress import"). Kept as text so the entry survives the user's deletion.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    article = models.ForeignKey(
        "news.Article", null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.article}"


class Presence(models.Model):
    """Who has a story open, refreshed each time they open it."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.article}"


class Autosave(models.Model):
    """The last text a person's edit screen sent on its own, so a crash or a closed tab
    loses at most a few seconds of typing. One per story and person."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    headline = models.CharField(max_length=300, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="autosave_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.article} at {self.saved_at:%H:%M:%S}"


class Note(models.Model):
    """A note on a story between its writer and the editors: why it was sent back, a reply,
    a question. Never shown to readers; written only by `newsroom.actions.notes`."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text like AuditEntry.actor_name: the thread survives the person's deletion.
    author_name = models.CharField(max_length=150)
    text = models.TextField()
    at = models.DateTimeField()
    # What the note went with, when it went with an action ("return": sent back).
    action = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["article", "at"], name="note_article_at")]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.article}: {self.text[:40]}"
