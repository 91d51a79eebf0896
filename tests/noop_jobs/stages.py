"""A job kind that does nothing but pass a number from one stage to the next, on both queues."""

from media_jobs.models import Job
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec

NOOP = "noop"


def count(job: Job, progress: Progress) -> StageOutcome:
    progress(0.5, "Counting")
    return StageOutcome(metrics={"counted": 21})


def double(job: Job, progress: Progress) -> StageOutcome:
    counted = job.stages.get(name="noop_count").metrics["counted"]
    return StageOutcome(job_result={"doubled": counted * 2})


JOB_KINDS = [JobKind(NOOP, "Do nothing", ("noop_count", "noop_double"))]
STAGES = [
    StageSpec("noop_count", "Count", count, queue="gpu"),
    StageSpec("noop_double", "Double", double, after=("noop_count",)),
]
