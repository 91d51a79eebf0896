"""Segments made straight from text with the real text model, for tests of querying."""

from __future__ import annotations

from collections.abc import Sequence

from django_tenants.utils import schema_context

from gpu_worker.embeddings import get_text_embedder
from media_jobs.models import Job, Video
from moderation.models import Case
from moderation.stages import MODERATION
from search.models import Segment
from tenants.models import Tenant


def make_indexed_video(
    tenant: Tenant,
    texts: Sequence[str],
    *,
    title: str = "clip",
    duration: float = 60.0,
    state: str = Case.State.CLEAN,
    labels: Sequence[Sequence[str]] = (),
) -> Video:
    """A video (no media) with a case in `state` and one 10-second segment per text."""
    embedder = get_text_embedder()
    vectors = embedder.embed(list(texts))
    with schema_context(tenant.schema_name):
        video = Video.objects.create(title=title, original="none.mp4", size_bytes=1, duration=duration)
        job = Job.objects.create(kind=MODERATION, video=video)
        Case.objects.create(video=video, state=state)
        Segment.objects.bulk_create(
            Segment(
                video=video, job=job, start=10.0 * i, end=10.0 * i + 10, text=text,
                keyframe_time=10.0 * i + 5,
                labels=list(labels[i]) if i < len(labels) else [], embedding=vectors[i],
                embedding_model=embedder.name, moderation_state=state, video_created_at=video.created_at,
                video_duration=duration,
            )
            for i, text in enumerate(texts)
        )  # fmt: skip
    return video
