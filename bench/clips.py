"""Clips speed: a deterministic 5-minute 1280x720 30 fps video with talk and a face crossing the frame is
moderated by a real worker, then a clips job makes 10 clips (15-60 s, 9:16 1080x1920, captions) of it.
Measured, from the request with a worker already running: time to the first rendered clip and to all of
them, against one plain ffmpeg veryfast re-encode of the source in the same run. The moderation runs once:
a later run reuses the moderated video of the bench database."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.pipeline import bench_tenant, plain_reencode_seconds, run_pipeline
from reelremix import stack
from reelremix.demo_video import TALK_PARTS, join_speech, make_face_video

DURATION = 300.0
COUNT = 10


def bench_video() -> Path:
    """The input, made once and reused: the demo's talk, looped under the moving face."""
    out = Path(settings.VAR_DIR) / "bench" / "talk-5min-720p30.mp4"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            speech = join_speech(TALK_PARTS, Path(scratch) / "talk.flac")
            make_face_video(out, speech, DURATION, size=(1280, 720), fps=30, gop=60)
    return out


def moderated(source: Path) -> tuple[Any, float | None]:
    """The source's video, moderated: a run before this one's if the bench database has it (then no
    moderation time), else moderated now."""
    from media_jobs.models import Job, Video

    done = Video.objects.filter(size_bytes=source.stat().st_size, jobs__state=Job.State.SUCCEEDED).first()
    if done is not None:
        return done, None
    moderation = run_pipeline(source)
    return Job.objects.get(pk=moderation["job_id"]).video, moderation["wall_seconds"]


def wait_until_working() -> None:
    """A self-check job through the worker: the clock starts once a worker is up, as in production."""
    from media_jobs import services
    from media_jobs.models import Job

    job = services.do_create_selfcheck_job(None)  # type: ignore[arg-type]
    while not Job.objects.get(pk=job.pk).is_finished:
        time.sleep(0.1)


def run_clips(video: Any) -> dict[str, Any]:
    """Start the clips job and wait for it on a real worker process, noting when each clip is ready."""
    from clips import services
    from clips.models import Clip
    from clips.selection import ClipOptions
    from media_jobs.models import Job

    children = stack.start_worker(threads=settings.WORKER_THREADS)
    try:
        wait_until_working()
        started = time.monotonic()
        run = services.do_start_clips(video, None, ClipOptions(15.0, 60.0, COUNT), ["9:16"])
        first = None
        while not Job.objects.get(pk=run.job_id).is_finished:
            if first is None and Clip.objects.filter(run=run, state=Clip.State.READY).exists():
                first = time.monotonic() - started
            time.sleep(0.1)
        wall = time.monotonic() - started
    finally:
        children.stop()
    job = Job.objects.get(pk=run.job_id)
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"the clips job failed: {job.error}")
    clips = list(Clip.objects.filter(run=run).prefetch_related("renditions").order_by("rank"))
    reports = [r.report for clip in clips for r in clip.renditions.all()]
    return {
        "first_clip_seconds": first if first is not None else wall,
        "all_clips_seconds": wall,
        "clips": len(clips),
        "clip_seconds": round(sum(clip.duration for clip in clips), 1),
        "stage_seconds": {s.name: s.metrics.get("wall_seconds") for s in job.stages.all()},
        "render_seconds_per_clip": [report.get("seconds") for report in reports],
        "face_coverage": [report.get("face_coverage") for report in reports],
    }


def main() -> None:
    from django_tenants.utils import schema_context

    with stack.embedded_services():
        stack.migrate()
        source = bench_video()
        with schema_context(bench_tenant().schema_name):
            video, moderation_seconds = moderated(source)
        baseline = plain_reencode_seconds(source)
        with schema_context(bench_tenant().schema_name):
            result = run_clips(video)
        report = {
            "video_seconds": DURATION,
            "cpus": os.cpu_count(),
            "plain_reencode_seconds": round(baseline, 2),
            "moderation_seconds": round(moderation_seconds, 2) if moderation_seconds else "(earlier run)",
            **{key: round(value, 2) if isinstance(value, float) else value for key, value in result.items()},
            "first_clip_over_reencode": round(result["first_clip_seconds"] / baseline, 3),
            "all_clips_over_reencode": round(result["all_clips_seconds"] / baseline, 3),
        }
    print(json.dumps(report, indent=2))
    (Path(settings.VAR_DIR) / "bench" / "clips.json").write_text(json.dumps(report, indent=2))
