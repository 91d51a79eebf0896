"""What findings mean: flags under the tenant's policy, the case, and the censor plan for the renderer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from gpu_worker.types import FACE, Alternative, Transcript, Word
from media_jobs import hooks, registry
from media_jobs.media.types import AudioCensor, BlurTrack, BoxAt, CensorPlan
from media_jobs.models import Job, Video
from moderation.live import push_queue_event_on_commit
from moderation.models import (
    NEVER_AUTO_CENSORED,
    NEVER_CENSOR,
    Action,
    Case,
    Flag,
    Kind,
    Policy,
    PolicyChange,
    Review,
)  # fmt: skip
from moderation.onscreen import corner_marks
from moderation.profanity import find_profanity
from moderation.signals import case_state_changed
from moderation.tracking import Detection, build_tracks, judged_score, track_keyframes
from reelremix.errors import Refusal

# Detector labels that are nudity. NudeNet also reports covered parts, feet, armpits and faces:
# those are not nudity, and faces come from the dedicated face detector.
NUDITY_LABELS = {
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "BUTTOCKS_EXPOSED",
    "ANUS_EXPOSED",
    "ADULT",  # Google Vision SafeSearch, whole frame
    "RACY",
}
WORD_PADDING = 0.05  # seconds added around a bleep so no edge of the word is audible


def kind_of(label: str) -> str | None:
    if label == FACE:
        return Kind.FACE
    if label in NUDITY_LABELS:
        return Kind.NUDITY
    return None


def current_policy() -> Policy:
    """The tenant's policy (created with the defaults on first use)."""
    policy = Policy.objects.order_by("id").first()
    return policy or Policy.objects.create()


def _detections(samples: Sequence[dict[str, Any]]) -> list[tuple[float, list[Detection]]]:
    out = []
    for sample in samples:
        found = [Detection(t=sample["t"], **box) for box in sample["boxes"] if kind_of(box["label"])]
        out.append((sample["t"], found))
    return out


def _visual_flags(
    case: Case, samples: Sequence[dict[str, Any]], fps: float, policy: Policy, source: str
) -> list[Flag]:
    interval, duration = 1.0 / fps, case.video.duration
    flags = []
    for track in build_tracks(_detections(samples), interval):
        kind = kind_of(track.label)
        assert kind is not None
        start, end, keyframes = track_keyframes(track, interval, duration)
        score = judged_score(track)
        action = policy.action_for(kind, score)
        flags.append(Flag(case=case, kind=kind, label=track.label, start=start, end=end, score=score,
                          action=action, boxes=keyframes, source=source))  # fmt: skip
    return flags


def _profanity_flags(case: Case, transcript: Transcript, policy: Policy, source: str) -> list[Flag]:
    flags = []
    for hit in find_profanity(transcript.words, policy.extra_terms, transcript.alternatives):
        action = policy.action_for(Kind.PROFANITY, hit.confidence, certain=hit.certain)
        start, end = max(0.0, hit.start - WORD_PADDING), min(case.video.duration, hit.end + WORD_PADDING)
        flags.append(
            Flag(case=case, kind=Kind.PROFANITY, label=hit.term, start=start, end=end, score=hit.confidence,
                 certain=hit.certain, action=action, text=hit.heard[:200], source=source)
        )  # fmt: skip
    return flags


@dataclass(frozen=True)
class ScreenText:
    """The read_text stage's samples, the seconds between them, and the reader's name."""

    samples: list[dict[str, Any]]
    interval: float
    source: str


def _watermark_flags(case: Case, screen: ScreenText, policy: Policy) -> list[Flag]:
    """Marks that stay in a corner: queued for a rights review from the policy's share of the video."""
    marks = corner_marks(screen.samples, screen.interval, case.video.duration, policy.watermark_corner)
    return [
        Flag(case=case, kind=Kind.WATERMARK, label=mark.label[:60], start=mark.start, end=mark.end,
             score=mark.share, action=policy.action_for(Kind.WATERMARK, mark.share), boxes=mark.keyframes,
             text=mark.label[:200], source=screen.source)
        for mark in marks
    ]  # fmt: skip


def _case_state(flags: Sequence[Flag]) -> str:
    actions = {flag.action for flag in flags}
    if Action.REVIEW in actions:
        return Case.State.QUEUED
    if Action.CENSOR in actions:
        return Case.State.AUTO_CENSORED
    return Case.State.CLEAN


@transaction.atomic
def do_analyze_video(
    video: Video, detections: Sequence[dict[str, Any]], transcript: dict[str, list[dict[str, Any]]],
    fps: float, sources: dict[str, str],
) -> Case:  # fmt: skip
    """Turn detections, words and alternative readings into the video's flags, under the tenant's policy
    (kept on the case as its snapshot): what the render censors. The case's state waits for the text on
    screen (do_conclude_case). Re-running replaces the flags, so a stage repeated after a crash leaves no
    duplicates."""
    policy = current_policy()
    case, _ = Case.objects.select_for_update().get_or_create(
        video=video, defaults={"state": Case.State.CLEAN}
    )
    case.flags.all().delete()
    heard = Transcript(
        [Word(**word) for word in transcript["words"]],
        [Alternative(**alternative) for alternative in transcript["alternatives"]],
    )
    flags = _visual_flags(case, detections, fps, policy, sources.get("detector", ""))
    flags += _profanity_flags(case, heard, policy, sources.get("transcriber", ""))
    Flag.objects.bulk_create(flags)
    case.policy_snapshot = {
        f.name: getattr(policy, f.name) for f in Policy._meta.fields if f.name not in ("id", "updated_at")
    }
    case.save(update_fields=["policy_snapshot", "updated_at"])
    return case


@transaction.atomic
def do_conclude_case(video: Video, screen: ScreenText | None) -> Case:
    """Add the watermark flags of the text read on screen (under the policy the analysis used) and settle the
    case: its state and severity, what search and clips follow, the moderators' queue. Re-running replaces
    the watermark flags."""
    case = Case.objects.select_for_update().get(video=video)
    case.flags.filter(kind=Kind.WATERMARK).delete()
    if screen is not None:
        Flag.objects.bulk_create(_watermark_flags(case, screen, Policy(**case.policy_snapshot)))
    kept = list(case.flags.exclude(action=Action.IGNORE))
    case.state = _case_state(kept)
    case.severity = max((flag.score for flag in kept), default=0.0)
    case.save(update_fields=["state", "severity", "updated_at"])
    case_state_changed.send(sender=Case, video_id=video.pk)  # search: earlier segments follow the case
    if case.state == Case.State.QUEUED:
        push_queue_event_on_commit(case, "queued")
    return case


def latest_moderation(video: Video) -> Job | None:
    """The video's latest moderation job: what clips, recaps and upscales build on."""
    return video.jobs.filter(kind=registry.upload_kind()).order_by("-created_at", "-id").first()


def require_reusable(
    video: Video, action: str, done_to: str, refusal: type[Refusal], not_ready: type[Refusal],
    decided: bool = False,
) -> None:  # fmt: skip
    """Refuse to reuse a video (`action`: "make clips", `done_to`: "clipped") before its moderation has
    finished, or once a moderator rejected it, or once retention deleted its original; with `decided`, also
    while a flag waits for a moderator."""
    if video.original_deleted_at is not None:
        deleted = f"{video.original_deleted_at:%Y-%m-%d}"
        raise not_ready("original_deleted", f"This video's original was deleted on {deleted} by the plan's "
                        f"retention: it cannot be {done_to}.")  # fmt: skip
    job = latest_moderation(video)
    if job is None or job.state in (Job.State.QUEUED, Job.State.RUNNING):
        raise not_ready("not_moderated", f"This video is still being moderated; {action} once it is done.")
    if job.state == Job.State.FAILED:
        raise not_ready("moderation_failed", f"This video's moderation failed, so it cannot be {done_to}.")
    case = Case.objects.filter(video=video).first()
    if case is not None and case.state == Case.State.REJECTED:
        raise refusal("rejected", f"A moderator rejected this video: it cannot be {done_to}.")
    if decided and case is not None and case.state in Case.OPEN_STATES:
        raise not_ready(
            "awaiting_moderator",
            f"This video waits for a moderator's decision on what it shows; it can be {done_to} once the "
            "case is decided.",
        )


def censor_plan(video: Video) -> CensorPlan:
    """What the renderer must blur and silence: every flag the policy censors automatically."""
    case = Case.objects.filter(video=video).first()
    if case is None:
        return CensorPlan()
    mode = (case.policy_snapshot or {}).get("audio_mode", Policy.AudioMode.BLEEP)
    # What the policy censors unless a moderator dismissed it, and what a moderator confirmed; a kind the
    # product never censors on its own (a watermark) only when a moderator confirmed it.
    automatic = Q(action=Action.CENSOR) & ~Q(review=Review.DISMISSED) & ~Q(kind__in=NEVER_AUTO_CENSORED)
    censored = automatic | Q(review=Review.CONFIRMED)
    flags = list(case.flags.filter(censored))
    audio = tuple(AudioCensor(flag.start, flag.end, mode) for flag in flags if flag.kind == Kind.PROFANITY)
    return CensorPlan(blur=_blur_tracks(flags), audio=audio)


def blur_ahead(video: Video, detections: Sequence[dict[str, Any]], fps: float) -> tuple[BlurTrack, ...]:
    """What the analysis will blur, decided from the detections alone under the tenant's policy now, before
    the words are heard: the render reuses a picture blurred so only when the censor plan says the same."""
    flags = _visual_flags(Case(video=video), detections, fps, current_policy(), "")
    censored = [flag for flag in flags if flag.action == Action.CENSOR]
    return _blur_tracks(sorted(censored, key=lambda flag: flag.start))  # as Flag's ordering: start, then id


def _blur_tracks(flags: Sequence[Flag]) -> tuple[BlurTrack, ...]:
    return tuple(
        BlurTrack(flag.start, flag.end, tuple(BoxAt(**box) for box in flag.boxes))
        for flag in flags
        if flag.boxes
    )


def case_summary(video: Video) -> dict[str, Any]:
    """The case in a few numbers, for the job result shown by the page, the API and the CLI."""
    case = Case.objects.filter(video=video).first()
    if case is None:
        return {"case": None}
    counts: dict[str, dict[str, int]] = {}
    for flag in case.flags.all():
        counts.setdefault(flag.kind, {}).setdefault(flag.action, 0)
        counts[flag.kind][flag.action] += 1
    return {"case": case.state, "severity": round(case.severity, 3), "flags": counts}


def video_page_context(video: Video) -> dict[str, Any]:
    """The video's case with its flags loaded, for its page (a hook of media_jobs)."""
    return {"case": Case.objects.filter(video=video).prefetch_related("flags").first()}


def with_case(videos: QuerySet[Video]) -> QuerySet[Video]:
    """Videos with their cases, for lists that show each one's moderation state (a hook of media_jobs)."""
    return videos.select_related("case")


# The video list's "moderation" filter: outcomes as a team thinks of them, each a set of case states.
OUTCOMES = {
    "approved": ("Approved", (Case.State.APPROVED, Case.State.CENSORED, Case.State.AUTO_CENSORED)),
    "waiting": ("Waiting for a moderator", Case.OPEN_STATES),
    "clean": ("Clean", (Case.State.CLEAN,)),
    "rejected": ("Rejected", (Case.State.REJECTED,)),
}
OUTCOME_FILTER = hooks.ListFilter(
    name="moderation",
    form_field=lambda: forms.ChoiceField(
        label="Moderation", required=False,
        choices=[("", "any"), *((value, label) for value, (label, _) in OUTCOMES.items())],
    ),
    keep=lambda videos, outcome: videos.filter(case__state__in=OUTCOMES[outcome][1]),
    # The visibility policy hides rejected videos from every page: the filter can only come back empty.
    hints={"rejected": "Rejected videos are hidden from the site; moderators find them in the admin."},
)  # fmt: skip


def timeline_marks(video: Video) -> list[hooks.Mark]:
    """The case's flags as marks on the player's timeline (a hook of media_jobs)."""
    flags = Flag.objects.filter(case__video=video)
    return [
        hooks.Mark(flag.start, flag.end, str(flag.kind), f"{flag.get_kind_display()}: {flag.label}")
        for flag in flags
    ]


def publishable(videos: QuerySet[Video]) -> QuerySet[Video]:
    """The videos a tenant's pages, API and media URLs may show: a rejected video is blocked everywhere.
    media_jobs' visibility policy."""
    return videos.exclude(case__state=Case.State.REJECTED)


POLICY_FIELDS = [f.name for f in Policy._meta.fields if f.name not in ("id", "updated_at")]


def _check_policy(policy: Policy) -> None:
    for kind in Kind:
        censor, review = getattr(policy, f"{kind}_censor_above"), getattr(policy, f"{kind}_review_above")
        if not (0.0 <= review <= censor <= NEVER_CENSOR):
            raise ValidationError(
                f"{kind.label}: the review threshold ({review}) must lie between 0 and the censor "
                f"threshold ({censor}), which is at most 1 (above 1: never censor automatically)."
            )
        if kind in NEVER_AUTO_CENSORED and censor <= 1.0:
            raise ValidationError(
                f"{kind.label}: the product never censors this kind automatically; only a moderator's "
                f"decision blurs it (the censor threshold stays above 1)."
            )
    if not 0.05 <= policy.watermark_corner <= 0.5:
        raise ValidationError("Watermark corner: a share of the frame between 0.05 and 0.5.")
    for label, value, allowed in (
        ("Speech model", policy.speech_model, Policy.SpeechModel.values),
        ("Speech language", policy.speech_language, Policy.SpeechLanguage.values),
    ):
        if value not in allowed:
            choices = ", ".join(repr(choice) for choice in allowed)
            raise ValidationError(f"{label}: {value!r} is not one of {choices}.")


@transaction.atomic
def do_update_policy(user: User, changes: dict[str, Any], reason: str = "") -> Policy:
    """Change the tenant's policy (thresholds, bleep or mute, extra words, speech model and language)
    and record who changed what."""
    if not user.has_perm("moderation.change_policy"):
        raise PermissionDenied("Only moderators with the right to change the policy can change it.")
    policy = Policy.objects.select_for_update().get(pk=current_policy().pk)
    before = {name: getattr(policy, name) for name in changes}
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise ValidationError(f"{name} is not a policy setting.")
        setattr(policy, name, value)
    _check_policy(policy)
    policy.save()
    PolicyChange.objects.create(actor=user, reason=reason, before=before, after=changes)
    return policy
