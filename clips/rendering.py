"""Rendering a job's clips: each clip in each aspect its run asked for, best first, with the video's
current censor plan applied inside it. The only writer of Rendition rows.

A rendition already made at the clip's current version is kept, so a render stage run again after a crash
carries on where it stopped instead of starting over. Renders run on threads (ffmpeg and PyAV do the work
outside the GIL); rows are written only by the stage's own thread."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction

from billing import quota
from clips import services
from clips.following import censor_digest
from clips.media.render import extract_thumbnail, render_clip
from clips.media.types import ASPECTS, CaptionWord, ClipSpec, FaceBox, FaceSample
from clips.models import Clip, Rendition, aspect_slug
from gpu_worker.types import FACE
from media_jobs import artifacts
from media_jobs.media.types import CensorPlan, MediaInfo
from media_jobs.models import Artifact, Job, Video
from media_jobs.registry import Progress
from moderation.services import censor_plan
from moderation.stages import DETECTIONS, TRANSCRIPT
from tenants.context import current_schema_name

RENDERS_AT_ONCE = 2  # measured: 4 clips of 30 s took 38.4 s one at a time, 33.6 s two at a time (2 cores)


class VideoFacts:
    """What every clip of one video is rendered with: its faces, cuts, words and censor plan."""

    def __init__(self, video: Video) -> None:
        self.info = MediaInfo(**video.media_info)
        detections = artifacts.latest_json(video, DETECTIONS) or []
        self.faces = tuple(_face_sample(sample) for sample in detections)
        scenes = artifacts.latest_json(video, Artifact.Kind.SCENES) or {"cuts": []}
        self.cuts = tuple(round((last + first) / 2, 3) for last, first in scenes["cuts"])
        transcript = artifacts.latest_json(video, TRANSCRIPT) or {"words": []}
        self.words = tuple(CaptionWord(str(w["text"]), w["start"], w["end"]) for w in transcript["words"])
        self.plan: CensorPlan = censor_plan(video)

    def spec(self, clip: Clip, aspect: str) -> ClipSpec:
        width, height = ASPECTS[aspect]
        words = tuple(w for w in self.words if clip.start <= (w.start + w.end) / 2 <= clip.end)
        return ClipSpec(
            start=clip.start, end=clip.end, width=width, height=height,
            faces=tuple(s for s in self.faces if clip.start - 2.0 <= s.t <= clip.end + 2.0),
            cuts=tuple(cut for cut in self.cuts if clip.start < cut < clip.end),
            words=words if clip.run.captions else (),
            blur=tuple(t for t in self.plan.blur if t.start < clip.end and t.end > clip.start),
            audio=tuple(a for a in self.plan.audio if a.start < clip.end and a.end > clip.start),
        )  # fmt: skip


def _face_sample(sample: dict[str, Any]) -> FaceSample:
    faces = tuple(
        FaceBox(box["x1"], box["y1"], box["x2"], box["y2"], box["score"])
        for box in sample["boxes"]
        if box["label"] == FACE
    )
    return FaceSample(sample["t"], faces)


def _todo(clips: list[Clip]) -> list[tuple[Clip, str]]:
    """(clip, aspect) pairs with no rendition at the clip's current version."""
    made = set(Rendition.objects.filter(clip__in=clips).values_list("clip_id", "aspect", "version"))
    return [(c, aspect) for c in clips for aspect in c.run.aspects if (c.pk, aspect, c.version) not in made]


@dataclass(frozen=True)
class Rendered:
    """One rendition made in a scratch folder, not yet kept."""

    clip: Clip
    aspect: str
    spec: ClipSpec
    video: Path
    thumbnail: Path
    report: dict[str, Any]


def render_job_clips(job: Job, progress: Progress) -> dict[str, Any]:
    """Render every clip of the job that is not rendered at its version yet, best first, RENDERS_AT_ONCE at a
    time (one render keeps about 1.5 of 2 cores busy); each is kept, and its clip marked ready once its last
    aspect is, as it comes. The minutes are settled to what the renditions hold."""
    clips = services.clips_for_job(job)
    video = artifacts.video_of(job)
    facts = VideoFacts(video)
    todo = _todo(clips)
    with artifacts.local_path(video.original) as source, tempfile.TemporaryDirectory() as scratch:
        for done, rendered in enumerate(_render_all(source, facts, todo, Path(scratch)), start=1):
            _save(rendered)
            shutil.rmtree(rendered.video.parent)  # kept in storage now
            if not _todo([rendered.clip]):
                services.do_mark_ready(rendered.clip)
            progress(done / len(todo), f"Rendered clip {rendered.clip.rank} ({rendered.aspect})")
    for clip in clips:  # made by an earlier try that stopped before marking them
        if clip.state != Clip.State.READY and not _todo([clip]):
            services.do_mark_ready(clip)
    seconds = sum(r.duration for r in Rendition.objects.filter(clip__in=clips))
    quota.do_settle_seconds(current_schema_name(), job.pk, seconds)
    return {"renditions": len(todo), "rendered_seconds": round(seconds, 1)}


def _render_all(
    source: Path, facts: VideoFacts, todo: list[tuple[Clip, str]], scratch: Path
) -> Iterator[Rendered]:
    """The renditions, rendered on threads (media work only: the rows are written by the caller's thread,
    in its tenant's schema), yielded as each finishes; the first failure stops the rest."""
    specs = [(clip, aspect, facts.spec(clip, aspect)) for clip, aspect in todo]
    pool = ThreadPoolExecutor(max_workers=RENDERS_AT_ONCE, thread_name_prefix="clip-render")
    try:
        futures = [
            pool.submit(_render_files, source, facts.info, clip, aspect, spec, scratch / str(index))
            for index, (clip, aspect, spec) in enumerate(specs)
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _render_files(
    source: Path, info: MediaInfo, clip: Clip, aspect: str, spec: ClipSpec, folder: Path
) -> Rendered:
    folder.mkdir()
    out, thumb = folder / "clip.mp4", folder / "thumb.jpg"
    report = render_clip(source, info, spec, out)
    extract_thumbnail(out, min(1.0, spec.duration / 2), thumb)
    return Rendered(clip, aspect, spec, out, thumb, asdict(report))


@transaction.atomic
def _save(rendered: Rendered) -> None:
    clip, aspect, spec = rendered.clip, rendered.aspect, rendered.spec
    rendition = Rendition.objects.select_for_update().filter(clip=clip, aspect=aspect).first()
    if rendition is None:
        rendition = Rendition(clip=clip, aspect=aspect)
    else:
        rendition.file.delete(save=False)
        rendition.thumbnail.delete(save=False)
    rendition.version, rendition.width, rendition.height = clip.version, spec.width, spec.height
    rendition.duration, rendition.report = spec.duration, rendered.report
    rendition.censor_digest = censor_digest(CensorPlan(spec.blur, spec.audio), clip.start, clip.end)
    rendition.size_bytes = rendered.video.stat().st_size
    with rendered.video.open("rb") as video_file, rendered.thumbnail.open("rb") as thumb_file:
        rendition.file.save(f"{aspect_slug(aspect)}.mp4", File(video_file), save=False)
        rendition.thumbnail.save(f"{aspect_slug(aspect)}.jpg", File(thumb_file), save=False)
    rendition.save()
