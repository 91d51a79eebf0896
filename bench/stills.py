"""Frames that show a picture again: `python -m bench stills`.

Three 5-minute 1280x720 30 fps H.264 videos, sampled as the extract stage samples them (one frame a second,
longer side DETECTOR_MAX_SIDE): slides (fifteen of scikit-image's photographs, the astronaut and the
cameraman among them, 20 s each), a podcast's still cover (the astronaut for the whole 5 minutes), and the
pipeline benchmark's moving face over a moving gradient (nothing repeats: what looking costs). For each:
the samples that show a new picture (media.stills.first_showings), the detectors' time on every sample (the
baseline: the detect stage before) and on the new pictures only (now), and the samples whose boxes differ
either way (labels at the review threshold or above: the reused boxes against those found on the sample)."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from imageio_ffmpeg import get_ffmpeg_exe

SECONDS = 300
SIZE = (1280, 720)
SLIDES = ("astronaut", "coffee", "chelsea", "rocket", "camera", "hubble_deep_field", "immunohistochemistry",
          "retina", "colorwheel", "brick", "grass", "coins", "moon", "page", "text")  # fmt: skip
REVIEWABLE = 0.3  # the default policy's review threshold for faces and nudity


def photo_video(out: Path, photos: tuple[str, ...], seconds_each: float) -> Path:
    """The photographs one after another, each still for seconds_each, fitted to SIZE on black."""
    from bench.faces import write_photo

    width, height = SIZE
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:-1:-1,setsar=1"
    with tempfile.TemporaryDirectory() as scratch:
        inputs = []
        for index, name in enumerate(photos):
            still = write_photo(name, Path(scratch) / f"{index}.png")
            inputs += ["-loop", "1", "-t", str(seconds_each), "-r", "30", "-i", str(still)]
        graph = "".join(f"[{i}:v]{fit}[s{i}];" for i in range(len(photos)))
        graph += "".join(f"[s{i}]" for i in range(len(photos))) + f"concat=n={len(photos)}:v=1:a=0[v]"
        command = [
            get_ffmpeg_exe(), "-loglevel", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[v]",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p", str(out),
        ]  # fmt: skip
        subprocess.run(command, check=True)
    return out


def measure(video: Path) -> dict[str, Any]:
    from gpu_worker.detection import get_frame_detector
    from media_jobs.media.frames import sample_frames
    from media_jobs.media.probe import probe_media
    from media_jobs.media.stills import first_showings

    sampled = sample_frames(video, probe_media(video), settings.FRAME_SAMPLE_FPS, settings.DETECTOR_MAX_SIDE)
    images = [sample.image for sample in sampled]
    detector = get_frame_detector()
    started = time.perf_counter()
    every = _detect(detector, images)
    every_seconds = time.perf_counter() - started
    started = time.perf_counter()
    shown = first_showings(images)
    looking_seconds = time.perf_counter() - started
    new = sorted(set(shown))
    found = dict(zip(new, _detect(detector, [images[index] for index in new]), strict=True))
    new_seconds = time.perf_counter() - started
    differ = sum(_labels(every[index]) != _labels(found[first]) for index, first in enumerate(shown))
    return {
        "samples": len(images),
        "new_pictures": len(new),
        "detect_every_sample_s": round(every_seconds, 2),
        "detect_new_pictures_s": round(new_seconds, 2),
        "looking_s": round(looking_seconds, 3),
        "ratio": round(new_seconds / every_seconds, 3),
        "samples_whose_boxes_differ": differ,
    }


def _detect(detector: Any, images: list[np.ndarray]) -> list[Any]:
    batch = settings.DETECTOR_BATCH_SIZE
    return [
        boxes
        for start in range(0, len(images), batch)
        for boxes in detector.detect(images[start : start + batch])
    ]


def _labels(boxes: list[Any]) -> list[str]:
    return sorted(box.label for box in boxes if box.score >= REVIEWABLE)


def main() -> None:
    from bench.pipeline import CASES, bench_video

    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    videos = {
        "slides, 20 s each": out_dir / "slides-5min-720p30.mp4",
        "podcast cover": out_dir / "cover-5min-720p30.mp4",
    }
    if not videos["slides, 20 s each"].exists():
        photo_video(videos["slides, 20 s each"], SLIDES, SECONDS / len(SLIDES))
    if not videos["podcast cover"].exists():
        photo_video(videos["podcast cover"], SLIDES[:1], SECONDS)
    videos["moving face (bench pipeline)"] = bench_video("face-20pct", CASES["face-20pct"])
    rows = {name: measure(video) for name, video in videos.items()}
    for name, row in rows.items():
        print(
            f"{name:30} samples {row['samples']:3}  new pictures {row['new_pictures']:3}  detect:"
            f" every sample {row['detect_every_sample_s']:6.2f} s,"
            f" new pictures only {row['detect_new_pictures_s']:6.2f} s"
            f" (ratio {row['ratio']:.3f}; looking {row['looking_s']:.3f} s)  samples whose boxes differ"
            f" {row['samples_whose_boxes_differ']}"
        )
    (out_dir / "stills.json").write_text(json.dumps(rows, indent=2))
