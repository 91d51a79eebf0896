"""Pipeline speed: a deterministic 5-minute 1280x720 30 fps H.264 video with speech and a face,
moderated end to end by a real worker process, against one plain ffmpeg re-encode of the same file."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings

from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.sample import DEMO_SPEECH, SAMPLES_DIR, make_face_video
from reelremix import stack

DURATION = 300.0
BENCH_SLUG = "bench"


def bench_video() -> Path:
    """The benchmark input, made once and reused (deterministic: same sources, same encoder settings)."""
    out = Path(settings.VAR_DIR) / "bench" / "face-5min-720p30.mp4"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        make_face_video(out, SAMPLES_DIR / DEMO_SPEECH, DURATION, size=(1280, 720), fps=30, gop=60)
    return out


def plain_reencode_seconds(source: Path) -> float:
    """The baseline: one `ffmpeg -c:v libx264 -preset veryfast -c:a aac` re-encode."""
    out = source.with_name("reencode.mp4")
    started = time.monotonic()
    run_ffmpeg(
        ["-i", str(source), "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out)],
        what="baseline",
    )
    return time.monotonic() - started


@dataclass
class MemoryWatch:
    """Peak resident memory of a process and its children, sampled every 0.2 s."""

    pid: int
    peak_bytes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                root = psutil.Process(self.pid)
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.NoSuchProcess:
                return
            self.peak_bytes = max(self.peak_bytes, total)

    def stop(self) -> int:
        self._stop.set()
        return self.peak_bytes


def _bench_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    return (
        Tenant.objects.filter(slug=BENCH_SLUG).first()
        or services.do_create_tenant("Benchmark", BENCH_SLUG, f"bench@{settings.BASE_DOMAIN}").tenant
    )


def run_pipeline(source: Path) -> dict[str, Any]:
    """Submit the video and wait for its job on a real worker process; stage times from the rows."""
    from django_tenants.utils import schema_context

    from media_jobs import services
    from media_jobs.models import Job

    tenant = _bench_tenant()
    children = stack.Children()
    children.start("worker", stack.worker_command(threads=2))
    watch = MemoryWatch(children.processes["worker"].pid)
    try:
        with schema_context(tenant.schema_name):
            started = time.monotonic()
            job = services.do_submit_video(None, source, source.name, "benchmark")
            while not Job.objects.get(id=job.pk).is_finished:
                time.sleep(0.2)
            wall = time.monotonic() - started
            job.refresh_from_db()
            stages = {s.name: s.metrics.get("wall_seconds") for s in job.stages.all()}
    finally:
        peak = watch.stop()
        children.stop()
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"the benchmark job failed: {job.error}")
    return {"wall_seconds": wall, "stages": stages, "peak_worker_rss_mb": peak / 2**20}


def main() -> None:
    with stack.embedded_services():
        stack.migrate()
        source = bench_video()
        baseline = plain_reencode_seconds(source)
        result = run_pipeline(source)
    wall = result["wall_seconds"]
    report = {
        "video_seconds": DURATION,
        "cpus": os.cpu_count(),
        "plain_reencode_seconds": round(baseline, 2),
        "pipeline_seconds": round(wall, 2),
        "realtime_factor": round(DURATION / wall, 2),
        "pipeline_over_reencode": round(wall / baseline, 3),
        "stage_seconds": result["stages"],
        "peak_worker_rss_mb": round(result["peak_worker_rss_mb"], 1),
    }
    print(json.dumps(report, indent=2))
    (Path(settings.VAR_DIR) / "bench" / "pipeline.json").write_text(json.dumps(report, indent=2))
