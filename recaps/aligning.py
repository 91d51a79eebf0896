"""The work of the recap's first two stages: each source video's shots found once (rows, with thumbnails),
then the script's scenes aligned to what is said (and, with CLIP weights, shown) in the footage, each
scene given its length (its part of the narration, or its caption's reading time) and its cuts."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction

from gpu_worker.embeddings import get_image_embedder, get_text_embedder
from media_jobs import artifacts
from media_jobs.models import Job, Video
from media_jobs.registry import Progress
from moderation.stages import TRANSCRIPT
from recaps import alignment, services
from recaps.footage import footage_seconds, sources_of
from recaps.media.narration import split_narration
from recaps.media.shots import DetectedShot, detect_shots
from recaps.media.types import CROSSFADE
from recaps.models import Recap, RecapScene, Shot
from search.models import Segment
from search.segmenting import Window, sentences


def do_detect_shots(job: Job, progress: Progress) -> dict[str, Any]:
    """Each source video's shots, unless an earlier job found them (they never change)."""
    videos = [source.video for source in sources_of(services.recap_for_job(job))]
    detected = 0
    for number, video in enumerate(videos):
        if video.shots.exists():
            continue

        def report(done: float, k: int = number) -> None:
            progress((k + done) / len(videos), f"Finding shots ({k + 1}/{len(videos)})")

        with artifacts.local_path(video.original) as source:
            _save_shots(video, detect_shots(source, video.duration, report))
        detected += 1
    return {"shots": Shot.objects.filter(video__in=videos).count(), "detected": detected}


@transaction.atomic
def _save_shots(video: Video, found: list[DetectedShot]) -> None:
    video.shots.all().delete()  # a try that died half-way through saving
    for index, detected in enumerate(found):
        shot = Shot(video=video, index=index, start=detected.start, end=detected.end)
        shot.thumbnail.save("first.jpg", ContentFile(detected.thumbnail), save=False)
        shot.save()


def do_align_recap(job: Job, progress: Progress) -> dict[str, Any]:
    """Anchor every scene where the video tells it, time it, and lay out its cuts."""
    recap = services.recap_for_job(job)
    scenes = list(recap.scenes.all())
    progress(0.1, "Matching the script to the video")
    texts = [scene.text for scene in scenes]
    anchors, spans = _anchors(recap, texts)
    matched = _sharpened(recap, texts, [spans[anchor.segment] for anchor in anchors])
    lengths = _lengths(recap, scenes)
    for scene, anchor, span, length in zip(scenes, anchors, matched, lengths, strict=True):
        scene.anchor_start, scene.anchor_end = span
        scene.similarity, scene.confidence = anchor.similarity, anchor.confidence
        scene.length, scene.pinned, scene.shots = length[0], False, []
        scene.narration_start, scene.narration_end = length[1]
    RecapScene.objects.bulk_update(
        scenes, ["anchor_start", "anchor_end", "similarity", "confidence", "length", "pinned", "shots",
                 "narration_start", "narration_end"],
    )  # fmt: skip
    services.lay_out_cuts(recap)
    return _aligned(recap, scenes)


def _footage_segments(recap: Recap) -> tuple[list[Segment], list[tuple[float, float]]]:
    """The search segments of every source in footage order, and their spans in footage seconds."""
    segments, spans = [], []
    for source in sources_of(recap):
        found = list(Segment.objects.filter(video_id=source.video_id).order_by("start"))
        segments += found
        spans += [(source.offset + s.start, source.offset + s.end) for s in found]
    return segments, spans


def _anchors(recap: Recap, texts: list[str]) -> tuple[list[alignment.Anchor], list[tuple[float, float]]]:
    """Each scene's anchor segment, and the segments' spans. A video with no speech has segments without
    words: they are matched by picture when CLIP is configured, else spread evenly (confidence 0)."""
    segments, spans = _footage_segments(recap)
    spoken = [k for k, segment in enumerate(segments) if segment.text.strip()]
    pictures = _picture_scores(texts, segments)
    if spoken:
        text_vectors = get_text_embedder().embed(texts)
        score = alignment.similarities(text_vectors, np.stack([segments[k].embedding for k in spoken]))
        if pictures is not None:
            score = score + alignment.IMAGE_WEIGHT * pictures[:, spoken]
        starts = [spans[k][0] for k in spoken]
        anchors = alignment.with_rivals(score, alignment.align(score), starts)
        return [alignment.Anchor(spoken[a.segment], a.similarity, a.confidence) for a in anchors], spans
    if pictures is not None:
        return alignment.align(pictures), spans
    share = footage_seconds(recap) / len(texts)
    return [alignment.Anchor(k, 0.0, 0.0) for k in range(len(texts))], [
        (k * share, (k + 1) * share) for k in range(len(texts))
    ]


def _sharpened(recap: Recap, texts: list[str], spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Each anchor narrowed to the sentence of its segment that tells its scene best (a segment holds a few
    sentences, and may begin with the end of the topic before): the footage starts where that is said."""
    said = [
        Window(source.offset + s.start, source.offset + s.end, s.text)
        for source in sources_of(recap)
        for s in sentences((artifacts.latest_json(source.video, TRANSCRIPT) or {"words": []})["words"])
    ]
    inside = [[s for s in said if start <= (s.start + s.end) / 2 <= end] for start, end in spans]
    candidates = [s.text for group in inside for s in group]
    if not candidates:
        return spans
    vectors = get_text_embedder().embed([*texts, *candidates])
    scenes, sentence_vectors = vectors[: len(texts)], iter(vectors[len(texts) :])
    sharpened = []
    for k, (group, span) in enumerate(zip(inside, spans, strict=True)):
        own = [next(sentence_vectors) for _ in group]
        best = int(np.argmax([float(scenes[k] @ vector) for vector in own])) if own else -1
        sharpened.append((group[best].start, group[best].end) if own else span)
    return sharpened


def _picture_scores(texts: list[str], segments: list[Segment]) -> np.ndarray | None:
    """Each scene's CLIP similarity to each segment's keyframe, centred per scene; None without CLIP."""
    embedder = get_image_embedder()
    if embedder is None or not segments or any(s.image_embedding is None for s in segments):
        return None
    scenes = embedder.embed_text(texts)
    keyframes = np.stack([np.asarray(s.image_embedding, dtype=np.float32) for s in segments])
    raw = alignment.similarities(scenes, keyframes)
    return np.asarray(raw - raw.mean(axis=1, keepdims=True), dtype=np.float32)


def _lengths(recap: Recap, scenes: list[RecapScene]) -> list[tuple[float, tuple[float | None, float | None]]]:
    """Each scene's length in the recap and its span of the narration: the narration split at its pauses,
    one part a scene, each scene but the last a crossfade longer than its part (the next scene fades in
    over its end, and its narration must not be cut); without narration, the time to read its caption."""
    if not recap.narration:
        return [(scene.length, (None, None)) for scene in scenes]
    with artifacts.local_path(recap.narration) as narration:
        spans = split_narration(narration, len(scenes))
    last = len(spans) - 1
    return [
        (round(end - start + (CROSSFADE if k < last else 0.0), 3), (start, end))
        for k, (start, end) in enumerate(spans)
    ]


@transaction.atomic
def _aligned(recap: Recap, scenes: list[RecapScene]) -> dict[str, Any]:
    confidences = [scene.confidence or 0.0 for scene in scenes]
    recap.confidence = round(float(np.mean(confidences)), 3) if confidences else None
    recap.state = Recap.State.RENDERING if recap.render_when_aligned else Recap.State.REVIEW
    recap.render_when_aligned = False  # a later render is asked for by the user
    recap.save(update_fields=["confidence", "state", "render_when_aligned", "updated_at"])
    weak = sum(c < alignment.WEAK_CONFIDENCE for c in confidences)
    return {"scenes": len(scenes), "confidence": recap.confidence, "weak_scenes": weak}
