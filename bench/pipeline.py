"""Pipeline speed: deterministic 5-minute 1280x720 30 fps H.264 videos with speech and a face,
moderated end to end by a real worker process whose models are loaded (as a running service's are),
against one plain ffmpeg re-encode of the same file.

Two inputs: the face on screen for the whole video (every frame is blurred, so the render is a
full re-encode) and the face on screen for one minute, 20 % of the time (only the GOPs around it are
re-encoded)."""

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
from reelremix import stack
from reelremix.demo_video import DEMO_SPEECH, make_face_video

DURATION = 300.0
BENCH_SLUG = "bench"
PRELOADED = "Models preloaded"  # the worker's log line (reelremix.gpu.preload_models)
PRELOAD_TIMEOUT = 180.0  # seconds
CASES = {"face-throughout": None, "face-20pct": (120.0, 180.0)}  # the 20 %: one minute of five


def bench_video(name: str, face_between: tuple[float, float] | None) -> Path:
    """A benchmark input, made once and reused (deterministic: same sources, same encoder settings)."""
    out = Path(settings.VAR_DIR) / "bench" / f"{name}-5min-720p30.mp4"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        make_face_video(
            out, DEMO_SPEECH, DURATION, size=(1280, 720), fps=30, gop=60, face_between=face_between
        )
    return out


def plain_reencode_seconds(source: Path) -> float:
    """The baseline: one `ffmpeg -c:v libx264 -preset veryfast -c:a aac` re-encode."""
    out = source.with_name("reencode.mp4")
    started = time.monotonic()
    command = ["-i", str(source), "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out)]
    run_ffmpeg(command, what="the baseline re-encode")
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


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) that a process, its live descendants and its reaped children used."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def bench_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    email = f"bench@{settings.BASE_DOMAIN}"
    return (
        Tenant.objects.filter(slug=BENCH_SLUG).first()
        or services.do_create_tenant("Benchmark", BENCH_SLUG, email, plan="agency").tenant
    )


def wait_for_models(log: Path) -> None:
    """Until the worker says it has loaded its models: the clock measures a running service's worker, not
    one starting (the models take about 8 s to load, beside the first stages, on these 2 cores)."""
    deadline = time.monotonic() + PRELOAD_TIMEOUT
    while time.monotonic() < deadline:
        if log.exists() and PRELOADED in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker did not load its models within {PRELOAD_TIMEOUT:.0f} s: see {log}")


def run_pipeline(source: Path) -> dict[str, Any]:
    """Submit the video and wait for its job on a real worker process; stage times from the rows."""
    from django_tenants.utils import schema_context

    from media_jobs import services
    from media_jobs.models import Job

    log = Path(settings.VAR_DIR) / "bench" / "pipeline-worker.log"
    log.unlink(missing_ok=True)
    children = stack.start_worker(threads=settings.WORKER_THREADS, output=log)
    watch = MemoryWatch(children.pids()["worker"])
    try:
        if settings.PRELOAD_WORKER_MODELS:
            wait_for_models(log)
        with schema_context(bench_tenant().schema_name):
            cpu_before, started = tree_cpu_seconds(watch.pid), time.monotonic()
            job = services.do_submit_video(None, source, source.name, "benchmark")
            while not Job.objects.get(id=job.pk).is_finished:
                time.sleep(0.2)
            wall = time.monotonic() - started
            cpu = tree_cpu_seconds(watch.pid) - cpu_before
            job.refresh_from_db()
            stages = {s.name: s.metrics for s in job.stages.all()}
    finally:
        peak = watch.stop()
        children.stop()
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"the benchmark job failed: {job.error}")
    return {
        "wall_seconds": wall,
        "worker_cpu_seconds": cpu,
        "stages": stages,
        "peak_worker_rss_mb": peak / 2**20,
        "job_id": job.pk,
    }


def measure(name: str, face_between: tuple[float, float] | None) -> dict[str, Any]:
    source = bench_video(name, face_between)
    baseline = plain_reencode_seconds(source)
    result = run_pipeline(source)
    wall, render = result["wall_seconds"], result["stages"]["render"]
    return {
        "plain_reencode_seconds": round(baseline, 2),
        "pipeline_seconds": round(wall, 2),
        "realtime_factor": round(DURATION / wall, 2),
        "pipeline_over_reencode": round(wall / baseline, 3),
        # The worker's CPU time spread over every core: no overlap of stages can finish sooner than this.
        "worker_cpu_seconds": round(result["worker_cpu_seconds"], 1),
        "cpu_bound_floor_seconds": round(result["worker_cpu_seconds"] / (os.cpu_count() or 1), 1),
        "stage_seconds": {stage: metrics.get("wall_seconds") for stage, metrics in result["stages"].items()},
        "render": {key: render.get(key) for key in ("reencoded_seconds", "copied_seconds", "full_reencode")},
        "peak_worker_rss_mb": round(result["peak_worker_rss_mb"], 1),
    }


def main() -> None:
    with stack.embedded_services():
        stack.migrate()
        report = {
            "video_seconds": DURATION,
            "cpus": os.cpu_count(),
            "render_preset": settings.RENDER_X264_PRESET,
            **{name: measure(name, between) for name, between in CASES.items()},
        }
    print(json.dumps(report, indent=2))
    (Path(settings.VAR_DIR) / "bench" / "pipeline.json").write_text(json.dumps(report, indent=2))
