"""Moderation's job kinds and stages: models find boxes and words, moderation decides what they mean and
renders the censored output. Registered from ModerationConfig.ready()."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File

from media_jobs import artifacts
from media_jobs.media.render import RenderReport, render_censored, render_picture
from media_jobs.media.types import BlurTrack, BoxAt, CensorPlan, MediaInfo
from media_jobs.models import Artifact, Job, Stage, Video
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec
from media_jobs.stages import EXTRACT
from moderation import onscreen, services
from reelremix.observability import metrics

MODERATION = "moderation"  # what every upload starts
RENDER = "render"  # the censored output again, after a moderator's decision
DETECT, TRANSCRIBE, READ_TEXT = "detect", "transcribe", "read_text"
ANALYZE, CONCLUDE, PICTURE, FINALIZE = "analyze", "conclude", "picture", "finalize"
# The artifacts of detect, transcribe and read_text
DETECTIONS, TRANSCRIPT, SCREEN_TEXT = "detections", "transcript", "screen_text"
# The picture stage's video: the render censors the audio over it, then deletes it
BLURRED_PICTURE = "picture"


def detect(job: Job, progress: Progress) -> StageOutcome:
    """Boxes with class, score and skin share for every sampled frame, in batches. A frame that shows the same
    picture as an earlier one (media.stills) gets that frame's boxes without running the models again."""
    from gpu_worker.detection import get_frame_detector
    from moderation.frame_detection import DetectedBatch, detect_frames

    frames = list(artifacts.load_frames(job))
    batches: list[DetectedBatch] = []

    def batch_done(batch: DetectedBatch) -> None:
        batches.append(batch)
        progress(batch.done, "Detecting nudity and faces")

    images = [image for _, image in frames]
    boxes = detect_frames(get_frame_detector(), images, settings.DETECTOR_BATCH_SIZE, batch_done)
    results = [
        {"t": t, "boxes": [asdict(box) for box in frame]} for (t, _), frame in zip(frames, boxes, strict=True)
    ]
    sources = sorted({batch.source for batch in batches})
    detected = sum(len(batch.frames) for batch in batches)
    artifacts.save_json(job, DETECTIONS, results, {"sources": sources})
    model_seconds = sum(batch.seconds for batch in batches)
    metrics.observe_model_per_frame("+".join(sources) or "detector", model_seconds, detected)
    return StageOutcome(metrics={"frames": len(frames), "detected": detected, "sources": sources})


def transcribe(job: Job, progress: Progress) -> StageOutcome:
    """Timed words with probabilities, and other readings of doubted ones; skipped for silent videos."""
    from gpu_worker.transcribe import get_transcriber

    audio = artifacts.artifact(job, Artifact.Kind.AUDIO)
    if audio is None:
        return StageOutcome(skipped=True, metrics={"reason": "no audio"})
    policy = services.current_policy()
    transcriber = get_transcriber(policy.speech_model)
    with artifacts.local_path(audio.file) as wav:
        started = time.perf_counter()
        transcript = transcriber.transcribe(wav, policy.language_asked)
        model_seconds = time.perf_counter() - started
    audio_seconds = float(artifacts.video_of(job).media_info.get("duration") or 0)
    metrics.observe_model_per_audio_minute(transcriber.name, model_seconds, audio_seconds)
    saved = {
        "words": [asdict(word) for word in transcript.words],
        "alternatives": [asdict(alternative) for alternative in transcript.alternatives],
    }
    heard = {"source": transcriber.name, "language": transcript.language}
    artifacts.save_json(job, TRANSCRIPT, saved, heard)
    return StageOutcome(metrics={"words": len(transcript.words), **heard})


def read_text(job: Job, progress: Progress) -> StageOutcome:
    """Text on screen, read on frames READ_INTERVAL apart (only boxes whose text is new are recognised)."""
    from gpu_worker.ocr import get_text_reader

    reader = get_text_reader()
    frames = list(artifacts.load_frames(job))
    chosen = [frames[i] for i in onscreen.frames_to_read([t for t, _ in frames])]
    stats = onscreen.ReadStats()
    started = time.perf_counter()
    samples = onscreen.read_frames(chosen, reader, stats)
    model_seconds = time.perf_counter() - started
    progress(1.0, "Reading text on screen")
    metrics.observe_model_per_frame(reader.name, model_seconds, stats.frames)
    found = asdict(stats)
    artifacts.save_json(job, SCREEN_TEXT, samples, {"source": reader.name, "interval": onscreen.READ_INTERVAL,
                                                    **found})  # fmt: skip
    return StageOutcome(metrics={**found, "seconds": round(model_seconds, 3)})


def analyze(job: Job, progress: Progress) -> StageOutcome:
    """Flag what the detectors saw and the transcriber heard, under the tenant's policy: what the render
    censors. Text on screen is never censored on its own, so the render need not wait for read_text."""
    video = artifacts.video_of(job)
    detections = artifacts.load_json(job, DETECTIONS) or []
    transcript = artifacts.load_json(job, TRANSCRIPT) or {"words": [], "alternatives": []}
    case = services.do_analyze_video(video, detections, transcript, settings.FRAME_SAMPLE_FPS, _sources(job))
    return StageOutcome(metrics={"flags": case.flags.count()})


def conclude(job: Job, progress: Progress) -> StageOutcome:
    """Flag the marks that text on screen leaves in a corner, and settle the case."""
    screen = artifacts.artifact(job, SCREEN_TEXT)
    screen_text = services.ScreenText(
        artifacts.load_json(job, SCREEN_TEXT), screen.metadata["interval"], screen.metadata["source"]
    ) if screen else None  # fmt: skip
    case = services.do_conclude_case(artifacts.video_of(job), screen_text)
    return StageOutcome(metrics={"case": case.state, "flags": case.flags.count()})


def _sources(job: Job) -> dict[str, str]:
    detections = artifacts.artifact(job, DETECTIONS)
    transcript = artifacts.artifact(job, TRANSCRIPT)
    return {
        "detector": ",".join(detections.metadata.get("sources", [])) if detections else "",
        "transcriber": transcript.metadata.get("source", "") if transcript else "",
    }


def picture(job: Job, progress: Progress) -> StageOutcome:
    """The picture blurred as the analysis will blur it, rendered from the detections beside transcription:
    the render then only censors the audio over it. Skipped when nothing is blurred."""
    if job.stages.filter(name=RENDER, state__in=Stage.DONE_STATES).exists():  # a job older than this stage
        return StageOutcome(skipped=True, metrics={"reason": "the render is done"})
    video = artifacts.video_of(job)
    blur = services.blur_ahead(video, artifacts.load_json(job, DETECTIONS) or [], settings.FRAME_SAMPLE_FPS)
    if not blur:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to blur"})
    with _rendering(video) as (source, info, scratch):
        out = scratch / "picture.mp4"
        report = render_picture(source, out, info, blur, lambda f: progress(f, "Rendering the picture"))
        blurred = [asdict(track) for track in blur]
        _save(job, BLURRED_PICTURE, out, {"blur": blurred, "report": asdict(report)})
    return StageOutcome(metrics=asdict(report))


def render(job: Job, progress: Progress) -> StageOutcome:
    """The censored output, when the case censors anything: over the picture stage's video when the case
    blurs what that picture blurs (only the audio is left to censor), else in one pass over the original."""
    video = artifacts.video_of(job)
    plan = services.censor_plan(video)
    found = artifacts.artifact(job, BLURRED_PICTURE)
    ahead = found if found is not None and _blur_of(found.metadata["blur"]) == plan.blur else None
    report = _render(job, plan, ahead, progress) if not plan.is_empty else None
    if found is not None:  # an intermediate, used or not (a policy changed since it was blurred)
        artifacts.delete_artifact(found)
    if report is None:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to censor"})
    return StageOutcome(metrics={**asdict(report), "picture_ahead": ahead is not None})


def _render(job: Job, plan: CensorPlan, ahead: Artifact | None, progress: Progress) -> RenderReport:
    with _rendering(artifacts.video_of(job)) as (source, info, scratch):
        out = scratch / "censored.mp4"
        with artifacts.local_path(ahead.file) if ahead else contextlib.nullcontext() as picture:
            report = render_censored(source, out, info, plan, lambda f: progress(f, "Rendering"), picture)
        if ahead:  # what was done to the video is the picture's doing
            report = replace(RenderReport(**ahead.metadata["report"]), audio_reencoded=report.audio_reencoded)
        _save(job, Artifact.Kind.CENSORED, out, asdict(report))
    return report


@contextlib.contextmanager
def _rendering(video: Video) -> Iterator[tuple[Path, MediaInfo, Path]]:
    """The original as a local file, what probing found of it, and a scratch folder for what is rendered."""
    with tempfile.TemporaryDirectory() as scratch, artifacts.local_path(video.original) as source:
        yield source, MediaInfo(**video.media_info), Path(scratch)


def _save(job: Job, kind: str, path: Path, metadata: dict[str, Any]) -> None:
    with path.open("rb") as handle:
        artifacts.save_artifact(job, kind, path.name, File(handle), metadata)


def _blur_of(saved: list[dict[str, Any]]) -> tuple[BlurTrack, ...]:
    return tuple(
        BlurTrack(track["start"], track["end"], tuple(BoxAt(**box) for box in track["keyframes"]))
        for track in saved
    )


def finalize(job: Job, progress: Progress) -> StageOutcome:
    """The job's result: the summary the page and the CLI show (the job succeeds as this stage ends)."""
    return StageOutcome(job_result=services.case_summary(artifacts.video_of(job)))


JOB_KINDS = [
    JobKind(
        MODERATION,
        "Moderation",
        (EXTRACT, DETECT, TRANSCRIBE, READ_TEXT, PICTURE, ANALYZE, CONCLUDE, RENDER, FINALIZE),
        on_upload=True,
    ),
    JobKind(RENDER, "Censored render", (RENDER, FINALIZE)),  # the analysis is there: censor again
]
STAGES = [
    # The model stages take turns in a worker process (exclusive): each keeps every core busy on its own.
    StageSpec(DETECT, "Detect nudity and faces", detect, "gpu", (EXTRACT,), weight=30, exclusive=True),
    StageSpec(TRANSCRIBE, "Transcribe speech", transcribe, "gpu", (EXTRACT,), weight=25, exclusive=True),
    StageSpec(READ_TEXT, "Read text on screen", read_text, "gpu", (EXTRACT,), weight=5, exclusive=True),
    # The picture is blurred beside transcription, from the detections alone; the render starts once what it
    # censors is known, beside read_text: text on screen only goes to review.
    StageSpec(PICTURE, "Render the blurred picture", picture, after=(DETECT,), weight=10),
    StageSpec(ANALYZE, "Analyze findings", analyze, after=(DETECT, TRANSCRIBE), weight=5),
    StageSpec(CONCLUDE, "Check text on screen", conclude, after=(ANALYZE, READ_TEXT), weight=2),
    StageSpec(RENDER, "Render censored output", render, after=(ANALYZE, PICTURE), weight=10),
    StageSpec(FINALIZE, "Finalize", finalize, after=(RENDER, CONCLUDE), weight=5),
]
