"""`python -m bench gpu`: moderation's GPU stages (bench/gpu_stages.py) on the pipeline bench's 5-minute
face-throughout video, on this machine's CPU and, where CUDA and the `make install-gpu` packages are here,
its GPU. The inputs are made as the extract stage makes them and kept under VAR_DIR/bench/gpu-inputs, the
folder to carry to a GPU machine (bench/gpu_device.sh)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from bench.gpu_stages import main as run_stages
from bench.pipeline import CASES, bench_video
from media_jobs.media.audio import extract_audio
from media_jobs.media.frame_archive import write_frames
from media_jobs.media.frames import sample_frames
from media_jobs.media.probe import probe_media

CASE = "face-throughout"


def prepare(folder: Path) -> Path:
    """frames.zip and audio.wav of the bench video, as the extract stage samples them (made once)."""
    if (folder / "frames.zip").exists() and (folder / "audio.wav").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    video = bench_video(CASE, CASES[CASE])
    info = probe_media(video)
    frames = sample_frames(video, info, fps=settings.FRAME_SAMPLE_FPS, max_side=settings.DETECTOR_MAX_SIDE)
    data, _ = write_frames((frame.time, frame.image) for frame in frames)
    with tempfile.TemporaryDirectory() as scratch:
        wav = extract_audio(video, Path(scratch) / "audio.wav", info)
        assert wav is not None, "the bench video has speech"
        shutil.copyfile(wav, folder / "audio.wav")
    (folder / "frames.zip").write_bytes(data)
    return folder


def main() -> None:
    bench_dir = Path(settings.VAR_DIR) / "bench"
    inputs = prepare(bench_dir / "gpu-inputs")
    run_stages([str(inputs), str(bench_dir / "gpu.json")])
