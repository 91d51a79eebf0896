"""Search owns what is searchable: building a video's segments and keeping their copied facts current."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.db import transaction

from media_jobs import artifacts
from media_jobs.models import Artifact, Job, Video
from moderation.models import Case
from moderation.onscreen import text_runs
from moderation.stages import DETECTIONS, MODERATION, SCREEN_TEXT, TRANSCRIPT
from search import segmenting
from search.models import Segment

logger = logging.getLogger(__name__)

LABEL_SCORE = 0.5  # a detection this sure names what a segment shows

Progress = Callable[[float], None]


def _read_inputs(job: Job) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[segmenting.Cut]]:
    """The job's transcript words, frame detections and scene cuts (empty when a stage had none)."""
    transcript = artifacts.load_json(job, TRANSCRIPT) or {"words": []}
    detections = artifacts.load_json(job, DETECTIONS) or []
    scenes = artifacts.load_json(job, Artifact.Kind.SCENES) or {"cuts": []}
    return transcript["words"], detections, [(float(last), float(first)) for last, first in scenes["cuts"]]


def _keyframe_images(job: Job, times: Sequence[float]) -> list[np.ndarray]:
    """The sampled frames at `times` (each one of the stored frame times)."""
    wanted = set(times)
    found = {t: image for t, image in artifacts.load_frames(job) if t in wanted}
    return [found[t] for t in times]


def _image_vectors(job: Job, times: Sequence[float]) -> tuple[np.ndarray | None, str]:
    from gpu_worker.embeddings import get_image_embedder

    embedder = get_image_embedder()
    if embedder is None or not times:
        return None, ""
    return embedder.embed_images(_keyframe_images(job, times)), embedder.name


def _video_state(video: Video) -> str:
    return Case.objects.filter(video=video).values_list("state", flat=True).first() or ""


def do_index_video(job: Job, progress: Progress) -> dict[str, Any]:
    """Replace the video's segments with ones built from this job's transcript, scenes, detections and the
    text it read on screen.

    Embedding runs outside the transaction (it is the slow part); the swap is atomic, so a re-run after a
    crash or a model change leaves exactly one set of segments."""
    from gpu_worker.embeddings import get_text_embedder

    video = job.video
    assert video is not None, "index runs on a video's job"
    words, detections, cuts = _read_inputs(job)
    windows = segmenting.windows_for(words, cuts, video.duration)
    frame_times = [float(sample["t"]) for sample in detections]
    keyframes = [segmenting.nearest_time(frame_times, (w.start + w.end) / 2) for w in windows]
    progress(0.1)
    text_model = get_text_embedder()
    text_vectors = text_model.embed([window.text for window in windows])
    progress(0.6)
    image_vectors, image_model = _image_vectors(job, keyframes) if frame_times else (None, "")
    labels = [segmenting.labels_between(detections, w.start, w.end, LABEL_SCORE) for w in windows]
    facts = {"moderation_state": _video_state(video), "video_created_at": video.created_at,
             "video_duration": video.duration}  # fmt: skip
    segments = [
        Segment(
            video=video, job=job, start=round(w.start, 3), end=round(w.end, 3), text=w.text,
            keyframe_time=keyframes[i], labels=labels[i],
            embedding=text_vectors[i], embedding_model=text_model.name, image_model=image_model,
            image_embedding=None if image_vectors is None else image_vectors[i], **facts,
        )
        for i, w in enumerate(windows)
    ]  # fmt: skip
    segments += _screen_segments(job, text_model, facts)
    _replace_segments(video, segments)
    progress(1.0)
    return {"segments": len(segments), "text_model": text_model.name, "image_model": image_model or "off"}


def _screen_segments(job: Job, text_model: Any, facts: dict[str, Any]) -> list[Segment]:
    """One segment per line of text shown on screen, over the time it stayed there."""
    found = artifacts.artifact(job, SCREEN_TEXT)
    if found is None:
        return []
    assert job.video is not None
    runs = text_runs(artifacts.load_json(job, SCREEN_TEXT), found.metadata["interval"], job.video.duration)
    vectors = text_model.embed([text for _, _, text in runs]) if runs else []
    return [
        Segment(
            video=job.video, job=job, source=Segment.Source.SCREEN, start=round(start, 3), end=round(end, 3),
            text=text, keyframe_time=start, embedding=vectors[i], embedding_model=text_model.name, **facts,
        )
        for i, (start, end, text) in enumerate(runs)
    ]  # fmt: skip


@transaction.atomic
def _replace_segments(video: Video, segments: list[Segment]) -> None:
    Video.objects.select_for_update().filter(id=video.pk).first()  # serialises two indexings of a video
    Segment.objects.filter(video=video).delete()
    Segment.objects.bulk_create(segments)


def do_sync_moderation_state(video_id: int, **signal: Any) -> int:
    """Copy the video's case state onto its segments (filters and the rejected-video block read it).
    Connected to moderation's case_state_changed, which is sent inside the transaction that changes the
    case: a rejected video is never found, not even for a moment."""
    state = Case.objects.filter(video_id=video_id).values_list("state", flat=True).first() or ""
    return (
        Segment.objects.filter(video_id=video_id)
        .exclude(moderation_state=state)
        .update(moderation_state=state)
    )


def current_models() -> tuple[str, str]:
    """The names of the text and image models that indexing would use now ("" when CLIP is off)."""
    from gpu_worker.embeddings import get_image_embedder, get_text_embedder

    image = get_image_embedder()
    return get_text_embedder().name, image.name if image else ""


def indexed_videos() -> list[int]:
    return sorted(set(Segment.objects.values_list("video_id", flat=True)))


def stale_videos(text_model: str, image_model: str) -> list[int]:
    """Videos with a segment indexed by other models than these."""
    stale = Segment.objects.exclude(embedding_model=text_model, image_model=image_model)
    return sorted(set(stale.values_list("video_id", flat=True)))


def do_reindex_videos(video_ids: Sequence[int], report: Callable[[str], None]) -> int:
    """Index the videos again from their latest moderation job's artifacts; returns how many were."""
    done = 0
    for video_id in video_ids:
        job = (
            Job.objects.filter(video_id=video_id, kind=MODERATION, artifacts__kind=Artifact.Kind.FRAMES)
            .select_related("video")
            .order_by("-created_at")
            .first()
        )
        if job is None:
            report(f"video {video_id}: no moderation job with artifacts, skipped")
            continue
        result = do_index_video(job, lambda fraction: None)
        report(f"video {video_id}: {result['segments']} segments")
        done += 1
    return done
