"""Clips follow their video's moderation case: when a moderator decides (or the case is analysed again),
every clip of the video is judged again (risk, safe to post, score), and a rendered clip whose span is
now censored differently is rendered again, so what a moderator confirmed is blurred or bleeped in every
clip too. Connected to moderation's case_state_changed, inside the transaction that changes the case."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from clips import scoring, services
from clips.models import Clip, Rendition
from media_jobs import claims, jobs
from media_jobs.media.types import CensorPlan
from moderation.models import Case
from moderation.services import censor_plan


def censor_digest(plan: CensorPlan, start: float, end: float) -> str:
    """A fingerprint of what a plan censors within [start, end]: a rendition made with another is stale."""
    blur = [asdict(track) for track in plan.blur if track.start < end and track.end > start]
    audio = [asdict(censor) for censor in plan.audio if censor.start < end and censor.end > start]
    return hashlib.sha256(json.dumps([blur, audio], sort_keys=True).encode()).hexdigest()[:32]


def do_follow_case(video_id: int, **signal: Any) -> int:
    """Judge the video's clips again under its case; render again those whose censoring changed. Returns
    how many clips were queued for a new render."""
    clips = list(Clip.objects.filter(video_id=video_id).select_related("run", "video"))
    case = Case.objects.filter(video_id=video_id).first()
    if not clips or case is None:
        return 0
    flags = [services.flag_view(flag, case) for flag in case.flags.all()]
    plan = censor_plan(clips[0].video)
    stale = []
    for clip in clips:
        _judge(clip, flags, case.state)
        if _rendered_with_other_censoring(clip, plan):
            stale.append(clip)
    if stale:
        _render_again(stale)
    return len(stale)


def _judge(clip: Clip, flags: list[Any], case_state: str) -> None:
    risk, safe, why = scoring.risk(flags, case_state, clip.start, clip.end)
    parts = {
        name: scoring.Part(part["value"], part["why"])
        for name, part in clip.breakdown.items()
        if name != "risk"
    }
    clip.breakdown = {**clip.breakdown, "risk": {"value": round(risk, 3), "weight": None, "why": why}}
    clip.score, clip.safe_to_post, clip.safety = scoring.combine(parts, risk, safe), safe, why
    clip.save(update_fields=["breakdown", "score", "safe_to_post", "safety", "updated_at"])


def _rendered_with_other_censoring(clip: Clip, plan: CensorPlan) -> bool:
    current = censor_digest(plan, clip.start, clip.end)
    digests = Rendition.objects.filter(clip=clip, version=clip.version).values_list(
        "censor_digest", flat=True
    )
    return any(digest != current for digest in digests)


def _render_again(stale: list[Clip]) -> None:
    """One render job for the clips (the moderator's decision is not the tenant's request: not charged)."""
    job = jobs.create_job(services.CLIP_RENDER, stale[0].video, None)
    for clip in stale:
        clip.version, clip.state, clip.render_job = clip.version + 1, Clip.State.PENDING, job
        clip.save(update_fields=["version", "state", "render_job", "updated_at"])
    claims.create_stages(job)
