"""Moderation's job kinds and stages: models find boxes and words, moderation decides what they mean and
renders the censored output. Registered from ModerationConfig.ready()."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File

from media_jobs import artifacts
from media_jobs.media.render import RenderReport, render_censored, render_picture, render_sound
from media_jobs.media.types import AudioCensor, BlurTrack, BoxAt, CensorPlan, MediaInfo
from media_jobs.models import Artifact, Job, Stage, Video
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec
from media_jobs.stages import EXTRACT
from moderation import onscreen, services
from reelremix.observability import metrics

MODERATION = "moderation"  # what every upload starts
RENDER = "render"  # the censored output again, after a moderator's decision
DETECT, TRANSCRIBE, READ_TEXT = "detect", "transcribe", "read_text"
ANALYZE, CONCLUDE, FINALIZE = "analyze", "conclude", "finalize"
PICTURE, SOUND = "picture", "sound"  # the blurred picture and the censored sound, rendered ahead
# The artifacts of detect, transcribe and read_text
DETECTIONS, TRANSCRIPT, SCREEN_TEXT = "detections", "transcript", "screen_text"
# The picture and sound stages' files: the render copies them, then deletes them
BLURRED_PICTURE, CENSORED_SOUND = "picture", "sound"


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
    the render then copies it. Skipped when nothing is blurred."""
    if _render_done(job):  # a job older than this stage
        return StageOutcome(skipped=True, metrics={"reason": "the render is done"})
    video = artifacts.video_of(job)
    blur = services.blur_ahead(video, artifacts.load_json(job, DETECTIONS) or [], settings.FRAME_SAMPLE_FPS)
    if not blur:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to blur"})
    shown = partial(progress, description="Rendering the picture")
    draw = partial(render_picture, blur=blur, on_progress=shown)
    report = _render_ahead(job, BLURRED_PICTURE, draw, {"blur": [asdict(track) for track in blur]})
    return StageOutcome(metrics=asdict(report))


def sound(job: Job, progress: Progress) -> StageOutcome:
    """The sound censored as the analysis will censor it, rendered from the words beside the picture: the
    render then copies it. Skipped when no word is bleeped or muted."""
    if _render_done(job):  # a job older than this stage
        return StageOutcome(skipped=True, metrics={"reason": "the render is done"})
    video = artifacts.video_of(job)
    transcript = artifacts.load_json(job, TRANSCRIPT)  # none when the video is silent
    audio = services.bleep_ahead(video, transcript) if transcript else ()
    if not audio:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to censor"})
    shown = partial(progress, description="Censoring the sound")
    draw = partial(render_sound, audio=audio, on_progress=shown)
    _render_ahead(job, CENSORED_SOUND, draw, {"audio": [asdict(censor) for censor in audio]})
    return StageOutcome(metrics={"censored": len(audio)})


def render(job: Job, progress: Progress) -> StageOutcome:
    """The censored output, when the case censors anything. The picture and the sound rendered ahead are
    copied when the case censors what they did; what is left is rendered from the original."""
    video = artifacts.video_of(job)
    plan = services.censor_plan(video)
    picture, sound = artifacts.artifact(job, BLURRED_PICTURE), artifacts.artifact(job, CENSORED_SOUND)
    ahead = _Ahead(
        picture if picture is not None and _blur_of(picture.metadata["blur"]) == plan.blur else None,
        sound if sound is not None and _audio_of(sound.metadata["audio"]) == set(plan.audio) else None,
    )
    report = _render(job, plan, ahead, progress) if not plan.is_empty else None
    for found in (picture, sound):  # intermediates, used or not (a policy changed since they were rendered)
        if found is not None:
            artifacts.delete_artifact(found)
    if report is None:
        return StageOutcome(skipped=True, metrics={"reason": "nothing to censor"})
    used = {"picture_ahead": ahead.picture is not None, "sound_ahead": ahead.sound is not None}
    return StageOutcome(metrics={**asdict(report), **used})


@dataclass(frozen=True)
class _Ahead:
    """What the render copies of what was rendered ahead: the blurred picture, the censored sound."""

    picture: Artifact | None
    sound: Artifact | None


def _render(job: Job, plan: CensorPlan, ahead: _Ahead, progress: Progress) -> RenderReport:
    with (
        _rendering(artifacts.video_of(job)) as (source, info, scratch),
        _local(ahead.picture) as picture,
        _local(ahead.sound) as sound,
    ):
        out = scratch / "censored.mp4"
        report = render_censored(source, out, info, plan, lambda f: progress(f, "Rendering"), picture, sound)
        # What was done to the video is the picture's doing, what was done to the audio the sound's.
        if ahead.picture:
            picture_did = RenderReport(**ahead.picture.metadata["report"])
            report = replace(picture_did, audio_reencoded=report.audio_reencoded)
        if ahead.sound:
            report = replace(report, audio_reencoded=ahead.sound.metadata["report"]["audio_reencoded"])
        _save(job, Artifact.Kind.CENSORED, out, asdict(report))
    return report


def _render_ahead(
    job: Job, kind: str, draw: Callable[[Path, Path, MediaInfo], RenderReport], decided: dict[str, Any]
) -> RenderReport:
    """Render part of the output ahead of the analysis (the picture, or the sound) and keep it for the render
    stage, with what it censors (`decided`) and what the renderer did."""
    with _rendering(artifacts.video_of(job)) as (source, info, scratch):
        out = scratch / f"{kind}.mp4"
        report = draw(source, out, info)
        _save(job, kind, out, {**decided, "report": asdict(report)})
    return report


def _render_done(job: Job) -> bool:
    return job.stages.filter(name=RENDER, state__in=Stage.DONE_STATES).exists()


@contextlib.contextmanager
def _rendering(video: Video) -> Iterator[tuple[Path, MediaInfo, Path]]:
    """The original as a local file, what probing found of it, and a scratch folder for the output."""
    with tempfile.TemporaryDirectory() as scratch, artifacts.local_path(video.original) as source:
        yield source, MediaInfo(**video.media_info), Path(scratch)


def _local(artifact: Artifact | None) -> contextlib.AbstractContextManager[Path | None]:
    return artifacts.local_path(artifact.file) if artifact else contextlib.nullcontext()


def _save(job: Job, kind: str, path: Path, metadata: dict[str, Any]) -> None:
    with path.open("rb") as handle:
        artifacts.save_artifact(job, kind, path.name, File(handle), metadata)


def _blur_of(saved: list[dict[str, Any]]) -> tuple[BlurTrack, ...]:
    return tuple(
        BlurTrack(track["start"], track["end"], tuple(BoxAt(**box) for box in track["keyframes"]))
        for track in saved
    )


def _audio_of(saved: list[dict[str, Any]]) -> set[AudioCensor]:
    return {AudioCensor(**censor) for censor in saved}  # the order of the spans changes nothing rendered


def finalize(job: Job, progress: Progress) -> StageOutcome:
    """The job's result: the summary the page and the CLI show (the job succeeds as this stage ends)."""
    return StageOutcome(job_result=services.case_summary(artifacts.video_of(job)))


JOB_KINDS = [
    JobKind(
        MODERATION,
        "Moderation",
        (EXTRACT, DETECT, TRANSCRIBE, READ_TEXT, PICTURE, SOUND, ANALYZE, CONCLUDE, RENDER, FINALIZE),
        on_upload=True,
    ),
    JobKind(RENDER, "Censored render", (RENDER, FINALIZE)),  # the analysis is there: censor again
]
STAGES = [
    # The model stages take turns in a worker process (exclusive): each keeps every core busy on its own.
    StageSpec(DETECT, "Detect nudity and faces", detect, "gpu", (EXTRACT,), weight=30, exclusive=True),
    StageSpec(TRANSCRIBE, "Transcribe speech", transcribe, "gpu", (EXTRACT,), weight=25, exclusive=True),
    StageSpec(READ_TEXT, "Read text on screen", read_text, "gpu", (EXTRACT,), weight=5, exclusive=True),
    # The picture is blurred beside transcription, from the detections alone, and the sound censored from the
    # words alone; the render starts once what it censors is known, beside read_text: text on screen only
    # goes to review.
    StageSpec(PICTURE, "Render the blurred picture", picture, after=(DETECT,), weight=10),
    StageSpec(SOUND, "Censor the sound", sound, after=(TRANSCRIBE,), weight=3),
    StageSpec(ANALYZE, "Analyze findings", analyze, after=(DETECT, TRANSCRIBE), weight=5),
    StageSpec(CONCLUDE, "Check text on screen", conclude, after=(ANALYZE, READ_TEXT), weight=2),
    StageSpec(RENDER, "Render censored output", render, after=(ANALYZE, PICTURE, SOUND), weight=10),
    StageSpec(FINALIZE, "Finalize", finalize, after=(RENDER, CONCLUDE), weight=5),
]
