"""Billing, in the public schema: plans, each tenant's subscription, Stripe's events, the usage ledger."""

from __future__ import annotations

from django.db import models


class Plan(models.Model):
    """What a tenant pays for: quotas (None: no limit of its own) and features."""

    class Feature(models.TextChoices):
        CLIPS = "clips", "Clips"
        RECAP = "recap", "Recaps"
        UPSCALE = "upscale", "Upscaling"
        API_ACCESS = "api_access", "API access"
        PRIORITY_QUEUE = "priority_queue", "Priority queue"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    stripe_price_id = models.CharField(max_length=100, blank=True, help_text="empty: free, no card needed")
    monthly_price_cents = models.PositiveIntegerField(default=0)
    minutes_per_month = models.PositiveIntegerField(null=True, blank=True, help_text="processed minutes")
    storage_bytes = models.BigIntegerField(null=True, blank=True)
    max_upload_bytes = models.BigIntegerField(null=True, blank=True, help_text="empty: the site's limit")
    max_video_seconds = models.FloatField(null=True, blank=True, help_text="empty: the site's limit")
    concurrent_jobs = models.PositiveIntegerField(null=True, blank=True)
    # Retention (media_jobs.retention): days a video's original, and the intermediate files its jobs make
    # (frames, audio, scenes, detections, transcripts), are kept. Outputs (censored files, clips, recaps,
    # upscales) are kept while the subscription lasts.
    original_retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="days an upload's original file is kept; empty: kept"
    )
    intermediate_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="days frames, audio, detections, transcripts are kept; empty: kept",
    )
    clips = models.BooleanField(default=False)
    recap = models.BooleanField(default=False)
    upscale = models.BooleanField(default=False)
    api_access = models.BooleanField(default=False)
    priority_queue = models.BooleanField(default=False)
    offered = models.BooleanField(default=True, help_text="shown on the signup and billing pages")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paid(self) -> bool:
        return bool(self.stripe_price_id) or self.monthly_price_cents > 0

    def has_feature(self, feature: str) -> bool:
        return bool(getattr(self, Plan.Feature(feature).value))


class Subscription(models.Model):
    """A tenant's plan and its Stripe state. Free tenants have one too, without Stripe ids."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        TRIALING = "trialing", "Trialing"
        PAST_DUE = "past_due", "Past due"
        UNPAID = "unpaid", "Unpaid"
        INCOMPLETE = "incomplete", "Incomplete"
        INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete (expired)"
        PAUSED = "paused", "Paused"
        CANCELED = "canceled", "Canceled"

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    stripe_customer_id = models.CharField(max_length=100, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=100, blank=True, db_index=True)
    # The Stripe subscription's own `created`: a newer subscription (an upgrade) supersedes an older one.
    stripe_subscription_created = models.DateTimeField(null=True, blank=True)
    # When the snapshot we hold was taken (its event's `created`): older snapshots never overwrite it.
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    payment_failed_at = models.DateTimeField(null=True, blank=True)
    invoice_state_at = models.DateTimeField(null=True, blank=True)  # same rule for invoice events
    latest_invoice_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant} on {self.plan}"


class StripeEvent(models.Model):
    """Every webhook Stripe sent us, kept: processed once (unique id), failures recorded for a retry."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"  # a type we do not act on, or a stale snapshot
        FAILED = "failed", "Failed"

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    created = models.DateTimeField(help_text="when Stripe created the event")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=200, blank=True)  # what processing did, for the operator
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class UsageEntry(models.Model):
    """One job's processed minutes: reserved at submission, committed when it finishes, released if
    it fails. Rows name the job by schema and id, so billing never imports media_jobs."""

    class State(models.TextChoices):
        RESERVED = "reserved", "Reserved"
        COMMITTED = "committed", "Committed"
        RELEASED = "released", "Released"

    COUNTED_STATES = (State.RESERVED, State.COMMITTED)

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="usage")
    job_id = models.BigIntegerField(null=True, blank=True)  # set right after the job row exists
    period_start = models.DateTimeField(db_index=True)
    seconds = models.FloatField()
    size_bytes = models.BigIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RESERVED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "job_id"], name="one_usage_entry_per_job")]

    def __str__(self) -> str:
        return f"{self.tenant} job {self.job_id}: {self.seconds:.0f} s {self.state}"


class LoginLink(models.Model):
    """A single-use, short-lived sign-in for one tenant's host (signup crosses from the public host).
    Only the token's hash is stored."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    username = models.CharField(max_length=150)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link for {self.username} at {self.tenant}"
