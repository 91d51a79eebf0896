"""Job kinds that do nothing: one passes a number from one stage to the next, on both queues; the other
runs two exclusive stages that could run side by side."""

import time

from media_jobs.models import Job
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec

NOOP = "noop"
BUSY = "noop_busy"
BUSY_SECONDS = 1.0


def count(job: Job, progress: Progress) -> StageOutcome:
    progress(0.5, "Counting")
    return StageOutcome(metrics={"counted": 21})


def double(job: Job, progress: Progress) -> StageOutcome:
    counted = job.stages.get(name="noop_count").metrics["counted"]
    return StageOutcome(job_result={"doubled": counted * 2})


def busy(job: Job, progress: Progress) -> StageOutcome:
    """Keeps "every core" busy for a second; says when it ran (epoch seconds)."""
    began = time.time()
    time.sleep(BUSY_SECONDS)
    return StageOutcome(metrics={"ran_from": began, "ran_to": time.time()})


JOB_KINDS = [
    JobKind(NOOP, "Do nothing", ("noop_count", "noop_double")),
    JobKind(BUSY, "Exclusive stages", ("noop_busy_a", "noop_busy_b")),
]
STAGES = [
    StageSpec("noop_count", "Count", count, queue="gpu"),
    StageSpec("noop_double", "Double", double, after=("noop_count",)),
    StageSpec("noop_busy_a", "Busy A", busy, queue="gpu", exclusive=True),
    StageSpec("noop_busy_b", "Busy B", busy, queue="gpu", exclusive=True),
]
