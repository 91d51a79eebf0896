"""Search's stage: `index` joins moderation's job once its case is concluded (the text on screen read too),
beside the render, and the job's finalize waits for it. Registered from SearchConfig.ready()."""

from __future__ import annotations

from media_jobs.models import Job
from media_jobs.registry import Progress, StageOutcome, StageSpec
from moderation.stages import CONCLUDE, FINALIZE, MODERATION
from search import services

INDEX = "index"


def index(job: Job, progress: Progress) -> StageOutcome:
    """Make the video's speech (and keyframes, when CLIP is configured) searchable."""
    report = services.do_index_video(job, lambda f: progress(f, "Indexing for search"))
    return StageOutcome(metrics=report)


STAGES = [
    StageSpec(
        INDEX, "Index for search", index, queue="gpu", after=(CONCLUDE,), before=(FINALIZE,), weight=5,
        joins=(MODERATION,),
    ),
]  # fmt: skip
