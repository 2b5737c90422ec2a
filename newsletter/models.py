"""Demo requests, newsletter subscribers, weekly issues and one delivery row per (issue, subscriber)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from analysis.models import Segment

# A subscriber's interests are the product's segments: one definition, in analysis.
Interest = Segment


class JobRole(models.TextChoices):
    EXECUTIVE = "executive", "Founder / executive"
    MERCHANDISING = "merchandising", "Merchandising / buying"
    MARKETING = "marketing", "Marketing / social"
    ECOMMERCE = "ecommerce", "E-commerce / product"
    DATA = "data", "Data / engineering"
    OTHER = "other", "Other"


class InterestsMixin(models.Model):
    """Fashion and beauty as two booleans: every database can filter on them cheaply."""

    fashion = models.BooleanField(default=False)
    beauty = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def interests(self) -> tuple[str, ...]:
        return tuple(i for i in Interest.values if getattr(self, i))

    def set_interests(self, interests: list[str] | tuple[str, ...]) -> None:
        for interest in Interest.values:
            setattr(self, interest, interest in interests)


class Subscriber(InterestsMixin):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(help_text="Stored lower-case.")
    name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=20, default="landing", help_text="landing, portal, admin or demo")
    created_at = models.DateTimeField(auto_now_add=True)
    consent_at = models.DateTimeField(null=True, blank=True, help_text="When the address owner confirmed.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    hard_bounces = models.PositiveIntegerField(default=0, help_text="Consecutive permanent delivery failures.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "unsubscribed", "bounced"]),
                name="subscriber_status_valid",
            ),
            models.CheckConstraint(condition=Q(fashion=True) | Q(beauty=True), name="subscriber_has_interest"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.email


class DemoRequest(InterestsMixin):
    """What a visitor asked for on the landing page; one row per address, updated on re-submission."""

    name = models.CharField(max_length=150)
    email = models.EmailField(help_text="Stored lower-case.")
    company = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=JobRole.choices)
    consent = models.BooleanField(default=False, help_text="Agreed to receive the weekly newsletter.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    last_requested_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="When the address owner confirmed.")
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    converted_at = models.DateTimeField(null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_requested_at"]
        constraints = [models.UniqueConstraint(Lower("email"), name="demorequest_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> at {self.company}"


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    week = models.OneToOneField("trends.TrendWeek", on_delete=models.PROTECT, related_name="newsletter_issue")
    subject = models.CharField(
        max_length=200, blank=True, help_text="Leave blank to name the week and its top items per interest."
    )
    preheader = models.CharField(
        max_length=200, blank=True, help_text="Preview line after the subject; blank: written per interest."
    )
    content = models.JSONField(default=dict, help_text="Snapshot of the week's trends, per interest.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "sending", "sent"]), name="issue_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Issue {self.week.week}" if self.week_id else "Issue"


class Delivery(models.Model):
    """One message of one issue to one subscriber; the unique pair is what forbids a second send."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer subscribed)"

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True, help_text="Which worker holds the row while sending.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Back-off after a transient error.")
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_issue_subscriber_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "status", "next_attempt_at"]),
            models.Index(fields=["claim_token"]),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id} ({self.status})"
