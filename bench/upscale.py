"""Upscaling speed on the CPU: frames per second and peak memory of the job's own path (PyAV decode,
Real-ESRGAN through ncnn in tiles, the x264 chunk encoder), 360p→720p and 720p→1440p (x2), against the
lanczos path (not AI) and a plain ffmpeg veryfast encode of the source, measured in the same run. Each case
runs in a fresh process, so its peak memory (its own and its encoder's) is its alone. Needs no services."""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from media_jobs.media.ffmpeg import run_ffmpeg

CASES = [  # (name, source size, frames, model, scale)
    ("360p→720p ffmpeg encode of the 360p source (baseline)", "640x360", 24, "", 0),
    ("360p→720p lanczos (not AI)", "640x360", 24, "lanczos", 2),
    ("360p→720p animevideov3 x2", "640x360", 6, "animevideov3", 2),
    ("720p→1440p ffmpeg encode of the 720p source (baseline)", "1280x720", 12, "", 0),
    ("720p→1440p lanczos (not AI)", "1280x720", 12, "lanczos", 2),
    ("720p→1440p animevideov3 x2", "1280x720", 2, "animevideov3", 2),
    ("180p→720p x4plus x4", "320x180", 1, "x4plus", 4),
]


def make_source(folder: Path, size: str, frames: int) -> Path:
    out = folder / f"{size}-{frames}.mp4"
    source = f"testsrc2=size={size}:rate=25:duration={frames / 25}"
    run_ffmpeg(
        ["-f", "lavfi", "-i", source, "-c:v", "libx264", "-preset", "veryfast", str(out)], what="source"
    )
    return out


def run_case(source: Path, model: str, scale: int, out: Path) -> dict[str, float]:
    """Decode, upscale and encode every frame as a job's chunk does; seconds and peak memory."""
    from fractions import Fraction

    from gpu_worker.upscaling import Upscaler
    from upscale.media.encoder import ChunkEncoder
    from upscale.media.frames import upright_frames

    frames = [frame for _, frame in upright_frames(source, 0) if frame is not None]
    height, width = frames[0].shape[:2]
    started = time.perf_counter()
    if not model:
        args = ["-i", str(source), "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", str(out)]
        run_ffmpeg(args, what="baseline")
    else:
        upscale = (lambda f: f) if model == "lanczos" else Upscaler(model, scale).upscale
        size_in = (width, height) if model == "lanczos" else (width * scale, height * scale)
        with ChunkEncoder(out, size_in, (width * scale, height * scale), Fraction(25)) as encoder:
            for frame in frames:
                encoder.write(upscale(frame))
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    encoder_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "frames": len(frames), "peak_mb": own, "encoder_peak_mb": encoder_mb,
            "out_mp": width * height * (scale or 1) ** 2 / 1e6}  # fmt: skip


def _in_fresh_process(source: Path, model: str, scale: int, out: Path) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_child, (str(source), model, scale, str(out)))


def _child(source: str, model: str, scale: int, out: str) -> dict[str, float]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
    django.setup()
    return run_case(Path(source), model, scale, Path(out))


def main() -> None:
    print("\n== upscale: frames per second on this CPU, one case per fresh process ==")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, size, frames, model, scale in CASES:
            source = make_source(folder, size, frames)
            found = _in_fresh_process(source, model, scale, folder / f"{len(results)}.mp4")
            found["fps"] = found["frames"] / found["seconds"]
            found["s_per_out_mp"] = found["seconds"] / found["frames"] / found["out_mp"]
            results[name] = found
    for name, found in results.items():
        res = "360p" if name.startswith("360p") else ("720p" if name.startswith("720p") else "-")
        baseline = next((v for k, v in results.items() if k.startswith(res) and "baseline" in k), None)
        ratio = f"{found['fps'] / baseline['fps']:.4f}x the encode's fps" if baseline else "no baseline"
        print(
            f"{name:<55} {found['fps']:8.3f} fps ({ratio}); {found['s_per_out_mp']:.3f} s per output MP; "
            f"peak {found['peak_mb']:.0f} MB (+ encoder {found['encoder_peak_mb']:.0f} MB)"
        )
