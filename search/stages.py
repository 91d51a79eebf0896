"""Search's stage: `index` joins moderation's job once the findings are analysed, beside the render,
and the job's finalize waits for it. Registered from SearchConfig.ready()."""

from __future__ import annotations

from media_jobs.models import Job
from media_jobs.registry import Progress, StageOutcome, StageSpec
from moderation.stages import ANALYZE, FINALIZE, MODERATION
from search import services

INDEX = "index"


def index(job: Job, progress: Progress) -> StageOutcome:
    """Make the video's speech (and keyframes, when CLIP is configured) searchable."""
    report = services.do_index_video(job, lambda f: progress(f, "Indexing for search"))
    return StageOutcome(metrics=report)


STAGES = [
    StageSpec(
        INDEX, "Index for search", index, queue="gpu", after=(ANALYZE,), before=(FINALIZE,), weight=5,
        joins=(MODERATION,),
    ),
]  # fmt: skip
