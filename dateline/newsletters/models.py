"""Newsletters: who reads which list (Subscriber, Subscription), what was sent (Mailing) and
to whom (Delivery, the send's own log, which makes a send resumable).

A subscriber's address is personal data: it lives on the Subscriber row only. Deliveries
and subscriptions hang off that row and go with it (`services.subscriber_erase`); the
audit log names a subscriber by id, never by address."""

from __future__ import annotations

from django.db import models


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Confirmed"
    # Mail to the address bounced: nothing more goes to it, whatever its lists say.
    BOUNCED = "bounced", "Bounced"


class Subscriber(models.Model):
    email = models.EmailField(max_length=254, unique=True)
    status = models.CharField(
        max_length=10, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    # Part of every signed link the subscriber holds: a new key (or the row's deletion)
    # makes every earlier link void.
    key = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last confirmation mail sent, for the per-address limit on sign-ups.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"subscriber {self.pk}"


class Subscription(models.Model):
    """A confirmed subscriber's list. Only confirmation creates one (double opt-in)."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    # "briefing", "breaking" or "section:<id>" (lists.py).
    list_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "list_key"], name="subscription_unique")
        ]
        indexes = [models.Index(fields=["list_key", "subscriber"], name="subscription_list")]

    def __str__(self) -> str:
        return f"subscriber {self.subscriber_id} on {self.list_key}"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class Mailing(models.Model):
    """One issue of one list: the daily briefing of a day, a section's digest, a breaking
    news alert. Its stories are references, rendered from the current rows when sent."""

    list_key = models.CharField(max_length=40)
    # The publication's local day a briefing or a section's digest is for: one per list and
    # day (a breaking alert has none).
    edition = models.DateField(null=True, blank=True)
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    items = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    sent_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["list_key", "edition"],
                condition=models.Q(edition__isnull=False),
                name="mailing_one_edition_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_key} {self.edition or self.created_at:%Y-%m-%d}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    # Claimed by a worker and handed to SMTP: a worker that dies here leaves it so, and it
    # is never sent again (at most once: a reader gets no mail twice).
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    # Unsubscribed or bounced between the send's start and its turn.
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    # Found "sending" after a worker died: SMTP may or may not have taken it.
    UNKNOWN = "unknown", "Unknown (worker stopped)"


class Delivery(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="delivery_unique")
        ]
        indexes = [models.Index(fields=["mailing", "status"], name="delivery_mailing_status")]

    def __str__(self) -> str:
        return f"mailing {self.mailing_id} to subscriber {self.subscriber_id}: {self.status}"
