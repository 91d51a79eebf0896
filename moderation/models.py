from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gpu_worker import whisper_models
from media_jobs.models import Video


class Kind(models.TextChoices):
    NUDITY = "nudity", "Nudity"
    FACE = "face", "Face"
    PROFANITY = "profanity", "Profanity"
    WATERMARK = (
        "watermark",
        "Watermark",
    )  # text or a logo in a corner over most of the video: a rights question


# Kinds the product never censors on its own: a watermark is blurred only when a moderator confirms the flag.
NEVER_AUTO_CENSORED = frozenset({Kind.WATERMARK})
NEVER_CENSOR = 1.01  # a censor threshold above every score: findings of that kind are only reviewed


class Action(models.TextChoices):
    CENSOR = "censor", "Censor automatically"
    REVIEW = "review", "Queue for a moderator"
    IGNORE = "ignore", "Ignore"


class Policy(models.Model):
    """The tenant's rules (one row per tenant schema): per kind, scores at or above `censor_above` are
    censored automatically, at or above `review_above` go to a moderator, the rest are ignored."""

    class AudioMode(models.TextChoices):
        BLEEP = "bleep", "Bleep"
        MUTE = "mute", "Mute"

    class SpeechModel(models.TextChoices):
        """The bundled Whisper model that hears this tenant's videos (bench/RESULTS.md has the figures)."""

        DEPLOYMENT = "", "The deployment's default (WHISPER_MODEL)"
        ACCURATE = whisper_models.ACCURATE, "Accurate: Whisper base"
        FAST = whisper_models.FAST, "Fast: Whisper tiny.en, about 1.5 times as fast, misses more profanity"
        THOROUGH = (
            whisper_models.THOROUGH,
            "Thorough: Whisper base heard at three tempos, about 3 times as slow, hears more profanity",
        )

    class SpeechLanguage(models.TextChoices):
        """The language speech is heard in. Left to detect it, Whisper base decides from the first speech: it
        took 13 of 20 clips of strongly accented English for Latin or Welsh and spelled their words so, for
        captions and search too (`python -m bench.accuracy accents`, bench/RESULTS.md). English, the
        profanity list's language, is the default; tiny.en ("fast") hears only English whatever is chosen."""

        ENGLISH = "en", "English: the language of the profanity list"
        DETECT = "auto", "Detect it: for speech in other languages (only the extra words are found in them)"

    nudity_censor_above = models.FloatField(default=0.6)
    nudity_review_above = models.FloatField(default=0.3)
    face_censor_above = models.FloatField(default=0.5)  # privacy blur of every face by default
    face_review_above = models.FloatField(default=0.3)
    profanity_censor_above = models.FloatField(default=0.2)  # a word the transcript spells out is bleeped
    profanity_review_above = models.FloatField(default=0.0)  # uncertain words always reach a moderator
    # A watermark's score is the share of the video it covers; it is never censored automatically.
    watermark_censor_above = models.FloatField(
        default=NEVER_CENSOR, help_text="Always above 1: a watermark is never removed automatically."
    )
    watermark_review_above = models.FloatField(
        default=0.6, help_text="Share of the video a corner mark must cover to go to a rights review."
    )
    watermark_corner = models.FloatField(
        default=0.3, help_text="How far from two edges (share of the frame) a mark counts as in a corner."
    )
    audio_mode = models.CharField(max_length=10, choices=AudioMode.choices, default=AudioMode.BLEEP)
    speech_model = models.CharField(
        max_length=10, choices=SpeechModel.choices, blank=True, default=SpeechModel.DEPLOYMENT,
        help_text="Which speech model transcribes new videos (OpenAI's, when configured, comes first).",
    )  # fmt: skip
    speech_language = models.CharField(
        max_length=4, choices=SpeechLanguage.choices, default=SpeechLanguage.ENGLISH,
        help_text="The language new videos' speech is transcribed in.",
    )  # fmt: skip
    extra_profanity = models.TextField(
        blank=True, help_text="More words to catch, one per line or comma-separated."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return "Moderation policy"

    @property
    def language_asked(self) -> str | None:
        """The language the transcriber is told to hear (ISO 639-1), or None for it to detect one."""
        return None if self.speech_language == self.SpeechLanguage.DETECT else self.speech_language

    def action_for(self, kind: str, score: float, *, certain: bool = True) -> Action:
        """What this policy does with a finding of `kind` scored `score`."""
        censor_above = getattr(self, f"{kind}_censor_above")
        review_above = getattr(self, f"{kind}_review_above")
        if certain and score >= censor_above and kind not in NEVER_AUTO_CENSORED:
            return Action.CENSOR
        if score >= review_above:
            return Action.REVIEW
        return Action.IGNORE

    @property
    def extra_terms(self) -> list[str]:
        return [
            term.strip().lower()
            for term in self.extra_profanity.replace(",", "\n").splitlines()
            if term.strip()
        ]


class Case(models.Model):
    """The moderation case of one video: its flags and where the video stands."""

    class State(models.TextChoices):
        CLEAN = "clean", "Clean"  # nothing found
        AUTO_CENSORED = "auto_censored", "Censored automatically"
        QUEUED = "queued", "Waiting for a moderator"
        ESCALATED = "escalated", "Escalated"
        APPROVED = "approved", "Approved as is"
        CENSORED = "censored", "Approved with censoring"
        REJECTED = "rejected", "Rejected"

    OPEN_STATES = (State.QUEUED, State.ESCALATED)

    video = models.OneToOneField(Video, on_delete=models.CASCADE, related_name="case")
    state = models.CharField(max_length=20, choices=State.choices, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    severity = models.FloatField(default=0.0)  # the highest score among flags that are not ignored
    policy_snapshot = models.JSONField(default=dict)  # the thresholds that applied
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-severity", "created_at"]
        permissions = [("moderate", "Can decide on moderation cases")]

    def __str__(self) -> str:
        return f"Case of {self.video}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Review(models.TextChoices):
    """A moderator's verdict on one flag."""

    PENDING = "pending", "Not reviewed"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    """One finding over a time range: a tracked box (nudity, face) or a word (profanity)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=60)  # detector class or canonical profane term
    start = models.FloatField(help_text="seconds")
    end = models.FloatField(help_text="seconds")
    score = models.FloatField()
    certain = models.BooleanField(default=True)  # False: a low-confidence transcription near a profane word
    action = models.CharField(max_length=10, choices=Action.choices)
    boxes = models.JSONField(default=list)  # keyframes [{t, x1, y1, x2, y2}] as fractions of the frame
    text = models.CharField(max_length=200, blank=True)  # the words as heard
    source = models.CharField(max_length=40)  # which detector or transcriber produced it
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} {self.start:.1f}-{self.end:.1f} s"

    @property
    def shown_keyframe(self) -> dict[str, Any] | None:
        """The keyframe moderators see and redraw: one the detector saw (the first and last are
        extrapolated to cover the span's edges)."""
        seen = self.boxes[1:-1] or self.boxes
        return seen[len(seen) // 2] if seen else None


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("audit records are never edited")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records are never deleted")


class AuditRecord(models.Model):
    """An audit row: only ever added. The database also refuses UPDATE and DELETE (migration triggers)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit records are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records are never deleted")


class Decision(AuditRecord):
    """One entry of a case's audit trail: who changed what, when, why, before and after."""

    class Action(models.TextChoices):
        CLAIM = "claim", "Claimed"
        RELEASE = "release", "Released"
        CONFIRM_FLAG = "confirm_flag", "Confirmed a flag"
        DISMISS_FLAG = "dismiss_flag", "Dismissed a flag"
        ADJUST_FLAG = "adjust_flag", "Adjusted a flag"
        APPROVE = "approve", "Approved as is"
        APPROVE_CENSORED = "approve_censored", "Approved with censoring"
        REJECT = "reject", "Rejected"
        ESCALATE = "escalate", "Escalated"
        REOPEN = "reopen", "Reopened"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta(AuditRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"


class PolicyChange(AuditRecord):
    """One change to the tenant's policy: the fields before and after."""

    class Meta(AuditRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Policy changed by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"
