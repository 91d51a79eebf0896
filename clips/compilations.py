"""Compilations: rendered clips of one or several of the tenant's videos, in the order a team member
picked, joined with crossfades over optional background music (ducked under speech). The only writer of
Compilation, CompilationItem and MusicTrack rows."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction

from billing import quota
from billing.models import Plan
from clips.errors import ClipRefusal
from clips.media.compile import render_compilation
from clips.media.types import ASPECTS
from clips.models import Clip, Compilation, CompilationItem, MusicTrack, Rendition
from media_jobs import artifacts, claims, jobs
from media_jobs.hooks import visible_videos
from media_jobs.media.probe import probe_audio
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Job, Video
from media_jobs.registry import Progress
from tenants.context import current_schema_name

COMPILATION = "compilation"
MAX_CLIPS = 50
MAX_CROSSFADE = 2.0
MAX_MUSIC_SECONDS = 30 * 60.0
MAX_MUSIC_BYTES = 100 * 1024 * 1024


def _ready_renditions(clip_ids: Sequence[int], aspect: str) -> list[Rendition]:
    visible = visible_videos(Video.objects.all())
    found = {
        r.clip_id: r
        for r in Rendition.objects.filter(clip_id__in=clip_ids, aspect=aspect, clip__video__in=visible)
        .select_related("clip")
        .filter(clip__state=Clip.State.READY)
    }
    missing = [str(clip_id) for clip_id in clip_ids if clip_id not in found]
    if missing:
        raise ClipRefusal(
            "clips_not_ready",
            f"Clip(s) {', '.join(missing)} do not exist here or have no ready {aspect} rendition.",
        )
    return [found[clip_id] for clip_id in clip_ids]


@transaction.atomic
def do_create_compilation(
    user: User | None, title: str, clip_ids: Sequence[int], aspect: str = "9:16",
    crossfade: float = 0.5, music_id: int | None = None,
) -> Compilation:  # fmt: skip
    """Check the clips (this tenant's, rendered in `aspect`), reserve the minutes, queue the render."""
    quota.require_feature(current_schema_name(), Plan.Feature.CLIPS)
    if aspect not in ASPECTS:
        raise ClipRefusal("invalid_options", f"aspect must be one of {', '.join(ASPECTS)}.")
    if not 1 <= len(clip_ids) <= MAX_CLIPS or len(set(clip_ids)) != len(clip_ids):
        raise ClipRefusal("invalid_options", f"Pick 1 to {MAX_CLIPS} different clips.")
    if not 0.0 <= crossfade <= MAX_CROSSFADE:
        raise ClipRefusal("invalid_options", f"crossfade must be between 0 and {MAX_CROSSFADE:g} s.")
    music = MusicTrack.objects.filter(pk=music_id).first() if music_id is not None else None
    if music_id is not None and music is None:
        raise ClipRefusal("invalid_options", f"There is no music track {music_id}.")
    renditions = _ready_renditions(clip_ids, aspect)
    seconds = sum(r.duration for r in renditions)
    reservation = quota.do_reserve_minutes(current_schema_name(), seconds, 0)
    job = jobs.create_job(COMPILATION, None, user)
    compilation = Compilation.objects.create(
        title=(title or "Compilation")[:200], job=job, aspect=aspect, crossfade=crossfade, music=music,
        created_by=user,
    )  # fmt: skip
    CompilationItem.objects.bulk_create(
        CompilationItem(compilation=compilation, clip_id=clip_id, position=i)
        for i, clip_id in enumerate(clip_ids)
    )
    quota.attach_job(reservation, job.pk)
    claims.create_stages(job)
    return compilation


def render_job_compilation(job: Job, progress: Progress) -> dict[str, Any]:
    """Join the compilation's renditions into one video and keep it."""
    compilation = Compilation.objects.select_related("music").get(job=job)
    clips = compilation.ordered_clips()
    renditions = {r.clip_id: r for r in Rendition.objects.filter(clip__in=clips, aspect=compilation.aspect)}
    width, height = ASPECTS[compilation.aspect]
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        parts = [stack.enter_context(artifacts.local_path(renditions[c.pk].file)) for c in clips]
        music = (
            stack.enter_context(artifacts.local_path(compilation.music.file)) if compilation.music else None
        )
        out = Path(scratch) / "compilation.mp4"
        duration = render_compilation(
            parts, out, width, height, crossfade=compilation.crossfade, music=music,
            on_progress=lambda f: progress(f, "Joining clips"),
        )  # fmt: skip
        _save(compilation, out, duration)
    return {"compilation": compilation.pk, "clips": len(clips), "duration": round(duration, 2)}


@transaction.atomic
def _save(compilation: Compilation, out: Path, duration: float) -> None:
    if compilation.file:
        compilation.file.delete(save=False)
    with out.open("rb") as handle:
        compilation.file.save("compilation.mp4", File(handle), save=False)
    compilation.duration = duration
    compilation.save()


def do_add_music(user: User | None, path: Path, filename: str, title: str = "") -> MusicTrack:
    """Keep an uploaded music track once it probes as audio within the limits."""
    if path.stat().st_size > MAX_MUSIC_BYTES:
        raise UnplayableMedia(f"The file is over the {MAX_MUSIC_BYTES // 2**20} MB limit for music.")
    duration = probe_audio(path, MAX_MUSIC_SECONDS)
    track = MusicTrack(title=(title or Path(filename).stem)[:200], duration=duration, uploaded_by=user)
    with path.open("rb") as handle:
        track.file.save(Path(filename).name, File(handle), save=False)
    track.save()
    return track
