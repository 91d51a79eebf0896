"""What each pipeline stage does. media_jobs moves media and numbers; moderation decides what they mean."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files import File

from media_jobs import artifacts
from media_jobs.graph import Name
from media_jobs.media.audio import extract_audio
from media_jobs.media.frames import sample_frames
from media_jobs.media.render import render_censored
from media_jobs.media.scenes import SceneCutDetector
from media_jobs.media.types import MediaInfo
from media_jobs.models import Artifact, Job, Video
from media_jobs.pipeline import StageFunction, StageOutcome, StageProgress
from moderation import services as moderation
from search import services as search


def _info(video: Video) -> MediaInfo:
    return MediaInfo(**video.media_info)


def _video(job: Job) -> Video:
    assert job.video is not None, "pipeline jobs always have a video"
    return job.video


def extract(job: Job, progress: StageProgress) -> StageOutcome:
    """Sample frames for the detectors and the audio for the transcriber; scene cuts from the frames."""
    video = _video(job)
    info = _info(video)
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


def detect(job: Job, progress: StageProgress) -> StageOutcome:
    """Boxes with class and score for every sampled frame, in batches."""
    from gpu_worker.detection import get_frame_detector

    detector = get_frame_detector()
    frames = list(artifacts.load_frames(job))
    results, sources = [], set()
    batch_size = settings.DETECTOR_BATCH_SIZE
    for start in range(0, len(frames), batch_size):
        batch = frames[start : start + batch_size]
        boxes = detector.detect([image for _, image in batch])
        sources.add(detector.last_source)
        results += [
            {"t": t, "boxes": [asdict(box) for box in found]}
            for (t, _), found in zip(batch, boxes, strict=True)
        ]
        progress((start + len(batch)) / max(len(frames), 1), "Detecting nudity and faces")
    artifacts.save_json(job, Artifact.Kind.DETECTIONS, results, {"sources": sorted(sources)})
    return StageOutcome(metrics={"frames": len(frames), "sources": sorted(sources)})


def transcribe(job: Job, progress: StageProgress) -> StageOutcome:
    """Timed words with probabilities, and other readings of doubted ones; skipped for silent videos."""
    from gpu_worker.transcribe import get_transcriber

    audio = artifacts.artifact(job, Artifact.Kind.AUDIO)
    if audio is None:
        return StageOutcome(skipped=True, metrics={"reason": "no audio"})
    transcriber = get_transcriber()
    with artifacts.local_path(audio.file) as wav:
        transcript = transcriber.transcribe(wav)
    saved = {
        "words": [asdict(word) for word in transcript.words],
        "alternatives": [asdict(alternative) for alternative in transcript.alternatives],
    }
    artifacts.save_json(job, Artifact.Kind.TRANSCRIPT, saved, {"source": transcriber.name})
    return StageOutcome(metrics={"words": len(transcript.words), "source": transcriber.name})


def analyze(job: Job, progress: StageProgress) -> StageOutcome:
    """Hand the findings to moderation, which builds the case under the tenant's policy."""
    video = _video(job)
    detections = artifacts.load_json(job, Artifact.Kind.DETECTIONS) or []
    transcript = artifacts.load_json(job, Artifact.Kind.TRANSCRIPT) or {"words": [], "alternatives": []}
    sources = _sources(job)
    case = moderation.do_analyze_video(video, detections, transcript, settings.FRAME_SAMPLE_FPS, sources)
    return StageOutcome(metrics={"case": case.state, "flags": case.flags.count()})


def _sources(job: Job) -> dict[str, str]:
    detections = artifacts.artifact(job, Artifact.Kind.DETECTIONS)
    transcript = artifacts.artifact(job, Artifact.Kind.TRANSCRIPT)
    return {
        "detector": ",".join(detections.metadata.get("sources", [])) if detections else "",
        "transcriber": transcript.metadata.get("source", "") if transcript else "",
    }


def index(job: Job, progress: StageProgress) -> StageOutcome:
    """Make the video's speech (and keyframes, when CLIP is configured) searchable."""
    report = search.do_index_video(job, lambda f: progress(f, "Indexing for search"))
    return StageOutcome(metrics=report)


def render(job: Job, progress: StageProgress) -> StageOutcome:
    """The censored output, when the case censors anything."""
    video = _video(job)
    plan = moderation.censor_plan(video)
    if plan.is_empty:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to censor"})
    with tempfile.TemporaryDirectory() as scratch, artifacts.local_path(video.original) as source:
        out = Path(scratch) / "censored.mp4"
        report = render_censored(source, out, _info(video), plan, lambda f: progress(f, "Rendering"))
        with out.open("rb") as handle:
            artifacts.save_artifact(job, Artifact.Kind.CENSORED, "censored.mp4", File(handle), asdict(report))
    return StageOutcome(metrics=asdict(report))


def finalize(job: Job, progress: StageProgress) -> StageOutcome:
    """The job's result: the summary the page and the CLI show (the job succeeds as this stage ends)."""
    return StageOutcome(job_result=moderation.case_summary(_video(job)))


STAGE_FUNCTIONS: dict[str, StageFunction] = {
    Name.EXTRACT: extract,
    Name.DETECT: detect,
    Name.TRANSCRIBE: transcribe,
    Name.ANALYZE: analyze,
    Name.INDEX: index,
    Name.RENDER: render,
    Name.FINALIZE: finalize,
}
