"""The engine's own stages: `extract` samples what the model stages of the apps above read (frames,
audio, scene cuts). Registered from MediaJobsConfig.ready()."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files import File

from media_jobs import artifacts, registry
from media_jobs.media.audio import extract_audio
from media_jobs.media.frames import sample_frames
from media_jobs.media.scenes import SceneCutDetector
from media_jobs.media.types import MediaInfo
from media_jobs.models import Artifact, Job
from media_jobs.registry import Progress, StageOutcome


def extract(job: Job, progress: Progress) -> StageOutcome:
    """Sample frames for the detectors and the audio for the transcriber; scene cuts from the frames."""
    video = artifacts.video_of(job)
    info = MediaInfo(**video.media_info)
    scenes = SceneCutDetector()
    with artifacts.local_path(video.original) as source:
        frames = sample_frames(
            source, info, fps=settings.FRAME_SAMPLE_FPS, max_side=settings.DETECTOR_MAX_SIDE
        )

        def timed() -> Iterator[tuple[float, np.ndarray]]:
            for frame in frames:
                progress(0.9 * min(1.0, frame.time / max(info.duration, 0.001)), "Sampling frames")
                scenes.observe(frame.time, frame.image)
                yield frame.time, frame.image

        count = artifacts.save_frames(job, timed())
        artifacts.save_json(job, Artifact.Kind.SCENES, {"cuts": scenes.cuts})
        has_audio = _extract_audio(job, source, info)
    return StageOutcome(metrics={"frames": count, "audio": has_audio, "scene_cuts": len(scenes.cuts)})


def _extract_audio(job: Job, source: Path, info: MediaInfo) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        wav = extract_audio(source, Path(scratch) / "audio.wav", info)
        if wav is None:
            return False
        with wav.open("rb") as handle:
            artifacts.save_artifact(job, Artifact.Kind.AUDIO, "audio.wav", File(handle))
    return True


SELFCHECK = "selfcheck"  # the engine's own job kind: no stages, its actor walks it (see services)
EXTRACT = "extract"

JOB_KINDS = [registry.JobKind(SELFCHECK, "Pipeline self-check")]
STAGES = [registry.StageSpec(EXTRACT, "Extract frames and audio", extract, queue="default", weight=15)]
