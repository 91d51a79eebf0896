"""Recaps: how well a script finds its footage, and how fast a recap renders.

Two story videos (the talk's speech over one backdrop per topic, so shot cuts fall where topics change)
are moderated by a real worker, then a recap job aligns a script made of the recordings' topic paraphrases
(tests/media/search_eval/*.json "query": short, written by someone else for the search evaluation) and
renders it. The alignment thresholds were tuned on townhall + cooking; travel is held out and reported
apart. Speed: the recap job's stages against one plain ffmpeg veryfast re-encode of the 1280x720 30 fps
source in the same run."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.clips import moderated, wait_until_working
from bench.pipeline import bench_tenant, plain_reencode_seconds
from reelremix import stack
from reelremix.demo_video import MEDIA, make_story_video, talk_topics

EVAL = MEDIA / "search_eval"
SETS = {"tuning": [EVAL / "townhall.flac", EVAL / "cooking.flac"], "held_out": [EVAL / "travel.flac"]}


def story(name: str, parts: list[Path]) -> Path:
    out = Path(settings.VAR_DIR) / "bench" / f"story-{name}-720p30.mp4"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        make_story_video(out, size=(1280, 720), fps=30, parts=parts)
    return out


def script_of(parts: list[Path]) -> str:
    queries = [
        topic["query"]
        for part in parts
        for topic in json.loads(part.with_suffix(".json").read_text())["topics"]
    ]
    return "\n\n".join(f"{query[0].upper()}{query[1:]}." for query in queries)


def run_recap(video: Any, script: str) -> dict[str, Any]:
    from media_jobs.models import Job
    from recaps import services

    children = stack.start_worker(threads=settings.WORKER_THREADS)
    try:
        wait_until_working()
        started = time.monotonic()
        recap = services.do_start_recap(
            video, None, script, services.RecapOptions(intro="Recap"), render=True
        )
        job_id = recap.job_id
        assert job_id is not None
        while not Job.objects.get(pk=job_id).is_finished:
            time.sleep(0.1)
        wall = time.monotonic() - started
    finally:
        children.stop()
    job = Job.objects.get(pk=job_id)
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"the recap job failed: {job.error}")
    recap.refresh_from_db()
    return {
        "recap": recap,
        "wall": wall,
        "stages": {s.name: s.metrics.get("wall_seconds") for s in job.stages.all()},
    }


def accuracy(recap: Any, parts: list[Path]) -> dict[str, Any]:
    """Scenes anchored inside the topic they paraphrase (the topic's span, or the pause before it)."""
    topics = talk_topics(parts)
    rows = []
    for scene, topic in zip(recap.scenes.all(), topics, strict=True):
        inside = topic.start - 1.0 <= scene.anchor_start <= topic.end
        rows.append({"scene": scene.text, "truth": [round(topic.start, 1), round(topic.end, 1)],
                     "anchor": scene.anchor_start, "similarity": scene.similarity,
                     "confidence": scene.confidence, "correct": inside})  # fmt: skip
    return {"correct": sum(r["correct"] for r in rows), "scenes": len(rows), "rows": rows}


def main() -> None:
    from django_tenants.utils import schema_context

    report: dict[str, Any] = {"cpus": os.cpu_count()}
    with stack.embedded_services():
        stack.migrate()
        for name, parts in SETS.items():
            source = story(name, parts)
            with schema_context(bench_tenant().schema_name):
                video, _ = moderated(source)
                done = run_recap(video, script_of(parts))
                recap = done["recap"]
                report[name] = {
                    "source_seconds": round(video.duration, 1),
                    "alignment": accuracy(recap, parts),
                    "recap_seconds": recap.duration,
                    "job_seconds": round(done["wall"], 2),
                    "stage_seconds": done["stages"],
                    "reuse": recap.report.get("reuse"),
                }
            baseline = plain_reencode_seconds(source)
            report[name]["plain_reencode_seconds"] = round(baseline, 2)
            report[name]["job_over_reencode"] = round(done["wall"] / baseline, 3)
    print(json.dumps(report, indent=2))
    (Path(settings.VAR_DIR) / "bench" / "recap.json").write_text(json.dumps(report, indent=2))
