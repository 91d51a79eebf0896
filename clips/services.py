"""Clips from the outside in: a request for clips of a video is checked and paid for before a job starts;
the job's stages (clips.stages) find the clips and render them; a team member's edit re-renders one.
Every write to ClipRun, Clip and ClipEdit happens here, but for clips.following (a case's decision judges
the clips again); renditions are written by clips.rendering."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction

from billing import quota
from billing.models import Plan
from clips import selection
from clips.analysis import Analysis, FlagOutcome, FlagView, SegmentVector, loudness_of_wav
from clips.errors import ClipRefusal, VideoNotReady
from clips.media.types import ASPECTS
from clips.models import Clip, ClipEdit, ClipRun
from clips.scoring import CLAIM_WORDS, Scored, tokens
from clips.selection import ClipOptions
from clips.signals import clip_ready
from gpu_worker import titles
from gpu_worker.types import RemoteServiceError
from media_jobs import artifacts, claims, jobs
from media_jobs.models import Artifact, Job, Video
from moderation.models import Action, Case, Flag, Review
from moderation.services import require_reusable
from moderation.stages import TRANSCRIPT
from search.models import Segment
from search.segmenting import SENTENCE_END
from tenants.context import current_schema_name

logger = logging.getLogger(__name__)
CLIPS, CLIP_RENDER = "clips", "clip_render"  # job kinds: find and render; render again after an edit
LIMITS = {"min_seconds": (3.0, 120.0), "max_seconds": (5.0, 180.0)}
MAX_COUNT = 30
LOUDNESS_CACHE_SECONDS = 24 * 3600  # an artifact never changes: the day only bounds the cache's size


def check_options(
    video: Video, min_seconds: float, max_seconds: float, count: int, aspects: Sequence[str]
) -> ClipOptions:
    """The options as given, or a ClipRefusal that says which is wrong and why."""
    for name, value in (("min_seconds", min_seconds), ("max_seconds", max_seconds)):
        low, high = LIMITS[name]
        if not low <= value <= high:
            message = f"{name} must be between {low:g} and {high:g} (got {value:g})."
            raise ClipRefusal("invalid_options", message)
    if not 1 <= count <= MAX_COUNT:
        raise ClipRefusal("invalid_options", f"count must be between 1 and {MAX_COUNT} (got {count}).")
    if min_seconds > max_seconds:
        raise ClipRefusal("invalid_options", "min_seconds must not be more than max_seconds.")
    unknown = [aspect for aspect in aspects if aspect not in ASPECTS]
    if unknown or not aspects:
        offered = ", ".join(ASPECTS)
        raise ClipRefusal(
            "invalid_options", f"aspects must be one or more of {offered} (got {list(aspects)})."
        )
    if video.duration < min_seconds:
        raise ClipRefusal(
            "video_too_short",
            f"This video is {video.duration:.0f} s long; clips are at least {min_seconds:g} s. "
            "Lower min_seconds to make clips of it.",
        )
    return ClipOptions(min_seconds, max_seconds, count)


def require_moderated(video: Video) -> None:
    require_reusable(video, "make clips", "clipped", ClipRefusal, VideoNotReady)


def reserved_seconds(video: Video, options: ClipOptions, aspects: int) -> float:
    """What a run may render at most: its clips cannot add up to much more than the video."""
    longest = min(options.count * options.max_seconds, video.duration + options.count * selection.MAX_OVERLAP)
    return longest * aspects


@transaction.atomic
def do_start_clips(
    video: Video, user: User | None, options: ClipOptions, aspects: Sequence[str], captions: bool = True,
    around: float | None = None,
) -> ClipRun:  # fmt: skip
    """Check the plan and the video, reserve the clips' minutes, and queue the job that makes them
    (`around`: one clip around that second instead of the best `count`)."""
    schema = current_schema_name()
    quota.require_feature(schema, Plan.Feature.CLIPS)
    require_moderated(video)
    if around is not None and not 0.0 <= around <= video.duration:
        raise ClipRefusal("invalid_options", f"at must lie within the video (0 to {video.duration:.1f} s).")
    if around is not None:
        options = ClipOptions(options.min_seconds, options.max_seconds, 1)
    aspects = list(dict.fromkeys(aspects))
    reservation = quota.do_reserve_minutes(schema, reserved_seconds(video, options, len(aspects)), 0)
    job = jobs.create_job(CLIPS, video, user)
    run = ClipRun.objects.create(
        job=job, video=video, min_seconds=options.min_seconds, max_seconds=options.max_seconds,
        count=options.count, aspects=aspects, captions=captions, around=around,
        created_by=user,
    )  # fmt: skip
    quota.attach_job(reservation, job.pk)
    claims.create_stages(job)
    return run


def analysis_of(video: Video) -> Analysis:
    """What moderation and search found in the video, read from their latest artifacts and rows."""
    transcript = artifacts.latest_json(video, TRANSCRIPT) or {"words": []}
    scenes = artifacts.latest_json(video, Artifact.Kind.SCENES) or {"cuts": []}
    audio = artifacts.latest_artifact(video, Artifact.Kind.AUDIO)
    loudness = _loudness(audio) if audio is not None else np.zeros(1, dtype=np.float32)
    case = Case.objects.filter(video=video).first()
    return Analysis(
        duration=video.duration,
        words=transcript["words"],
        cuts=[round((last + first) / 2, 3) for last, first in scenes["cuts"]],
        loudness=loudness,
        segments=_segment_vectors(video),
        flags=[flag_view(flag, case) for flag in case.flags.all()] if case else [],
        case_state=case.state if case else "",
    )


def _loudness(audio: Artifact) -> np.ndarray:
    """The audio's loudness curve, read from its WAV once and then from the cache: edits and clip
    candidates ask for it in requests, and an hour of 16 kHz audio is 115 MB to read."""
    key = f"clips:loudness:{audio.file.name}"  # the name holds the tenant and the video's uid
    curve = cache.get(key)
    if curve is None:
        with artifacts.local_path(audio.file) as wav:
            curve = loudness_of_wav(wav).tobytes()
        cache.set(key, curve, LOUDNESS_CACHE_SECONDS)
    return np.frombuffer(curve, dtype=np.float32)


def _segment_vectors(video: Video) -> list[SegmentVector]:
    rows = Segment.objects.filter(video=video).exclude(text="").values_list("start", "end", "embedding")
    vectors = []
    for start, end, embedding in rows:
        vector = np.asarray(embedding, dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        if norm > 0:
            vectors.append(SegmentVector(start, end, vector / norm))
    return vectors


def flag_view(flag: Flag, case: Case) -> FlagView:
    outcome: FlagOutcome
    if flag.review == Review.DISMISSED or (flag.action == Action.IGNORE and flag.review != Review.CONFIRMED):
        outcome = "harmless"
    elif flag.review == Review.CONFIRMED or flag.action == Action.CENSOR:
        outcome = "censored"
    elif case.is_open:
        outcome = "unresolved"  # queued for review and no moderator has decided yet
    else:
        outcome = "harmless"  # the case was decided and this flag was left as it is
    return FlagView(flag.kind, flag.label, flag.start, flag.end, flag.score, outcome)


def options_of(run: ClipRun) -> ClipOptions:
    return ClipOptions(run.min_seconds, run.max_seconds, run.count)


def do_choose_clips(job: Job) -> list[Clip]:
    """The run's clips, found, scored and titled afresh (a stage run again replaces what an earlier try
    chose). Titles are written before the rows are locked: a remote model may take its time."""
    run = ClipRun.objects.select_related("video").get(job=job)
    analysis = analysis_of(run.video)
    options = options_of(run)
    if run.around is not None:
        found = [selection.around(analysis, run.around, options)]
    else:
        found = selection.find_clips(analysis, options)
    profane = {flag.label.lower() for flag in analysis.flags if flag.kind == "profanity"}
    return _replace_clips(run, found, [title_for(masked(clip.text, profane)) for clip in found])


@transaction.atomic
def _replace_clips(run: ClipRun, found: list[Scored], titles: list[tuple[str, str]]) -> list[Clip]:
    ClipRun.objects.select_for_update().get(pk=run.pk)
    run.clips.all().delete()
    return [
        Clip.objects.create(
            run=run, video=run.video, rank=rank, start=round(clip.start, 3), end=round(clip.end, 3),
            text=clip.text, title=title, title_source=source, score=clip.score, breakdown=clip.breakdown(),
            safe_to_post=clip.safe_to_post, safety=clip.safety, render_job=run.job,
        )
        for rank, (clip, (title, source)) in enumerate(zip(found, titles, strict=True), start=1)
    ]  # fmt: skip


def masked(text: str, terms: set[str]) -> str:
    """`text` with every word that starts with a flagged profane term starred but for its first letter:
    a title never spells out what the clip bleeps (nor is it sent to a title model)."""

    def star(word: str) -> str:
        core = word.strip(".,!?;:\"'").lower()
        if not any(core.startswith(term) for term in terms if term):
            return word
        start = word.lower().index(core)
        return word[: start + 1] + "*" * (len(core) - 1) + word[start + len(core) :]

    return " ".join(star(word) for word in text.split())


def title_for(text: str) -> tuple[str, str]:
    """(title, who wrote it): the title model when one is configured and answers, else the transcript's
    strongest sentence."""
    try:
        written = titles.suggest_title(text)
    except RemoteServiceError as error:
        logger.warning("clip title from the transcript instead: %s", error)
        written = None
    if written:
        return written, titles.title_writer() or "transcript"
    return suggest_title(text), "transcript"


def suggest_title(text: str) -> str:
    """The clip's strongest sentence as its title: a question or a claim first, else the first full one."""
    found, current = [], []
    for word in text.split():
        current.append(word)
        if word.endswith(SENTENCE_END):
            found.append(" ".join(current))
            current = []
    if current:
        found.append(" ".join(current))
    if not found:
        return "Untitled clip"

    def strength(sentence: str) -> float:
        words = tokens(sentence)
        fits = 4 <= len(words) <= 14
        return 2 * sentence.endswith("?") + sum(w in CLAIM_WORDS for w in words) + fits

    best = max(found, key=strength)
    return best if len(best) <= 100 else best[:97].rsplit(" ", 1)[0] + "..."


def clips_for_job(job: Job) -> list[Clip]:
    """The clips a render job renders, best first."""
    return list(Clip.objects.filter(render_job=job).select_related("run", "video").order_by("rank"))


def _snapped_span(clip: Clip, analysis: Analysis, start: float, end: float) -> tuple[float, float]:
    duration = clip.video.duration
    if not 0.0 <= start < end <= duration + 0.01:
        raise ClipRefusal(
            "invalid_span", f"In and out points must lie within the video (0 to {duration:.1f} s)."
        )
    new_start, new_end = selection.snap(analysis, start, end)
    if new_end - new_start < 1.0:
        raise ClipRefusal("invalid_span", "A clip must be at least 1 s long.")
    return new_start, new_end


@transaction.atomic
def do_edit_clip(clip_id: int, user: User, start: float, end: float) -> Clip:
    """Move a clip's in and out points (snapped to words), keep who and when, and render it again."""
    schema = current_schema_name()
    quota.require_feature(schema, Plan.Feature.CLIPS)
    clip = Clip.objects.select_for_update().select_related("run", "video").get(pk=clip_id)
    require_moderated(clip.video)
    analysis = analysis_of(clip.video)
    new_start, new_end = _snapped_span(clip, analysis, start, end)
    before = {"start": clip.start, "end": clip.end}
    rescored = selection.rescore(analysis, options_of(clip.run), new_start, new_end)
    clip.start, clip.end, clip.text = new_start, new_end, rescored.text
    clip.score, clip.breakdown = rescored.score, rescored.breakdown()
    clip.safe_to_post, clip.safety = rescored.safe_to_post, rescored.safety
    clip.version, clip.state = clip.version + 1, Clip.State.PENDING
    reservation = quota.do_reserve_minutes(schema, clip.duration * len(clip.run.aspects), 0)
    clip.render_job = jobs.create_job(CLIP_RENDER, clip.video, user)
    quota.attach_job(reservation, clip.render_job.pk)
    clip.save()
    ClipEdit.objects.create(clip=clip, user=user, before=before, after={"start": new_start, "end": new_end})
    claims.create_stages(clip.render_job)
    return clip


def do_mark_ready(clip: Clip) -> None:
    """The clip's renditions are all kept: it is ready (and the apps above hear it once per version)."""
    if Clip.objects.filter(pk=clip.pk).exclude(state=Clip.State.READY).update(state=Clip.State.READY):
        clip_ready.send(sender=Clip, clip=clip)


def job_result(job: Job) -> dict[str, Any]:
    """What a clips job reports: each clip's rank, span, score and whether it is safe to post."""
    clips = clips_for_job(job)
    fields = ("rank", "start", "end", "score", "safe_to_post", "title")
    return {
        "clips": [{"id": clip.pk, **{name: getattr(clip, name) for name in fields}} for clip in clips],
        "rendered": sum(clip.state == Clip.State.READY for clip in clips),
    }
