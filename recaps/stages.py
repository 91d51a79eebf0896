"""The recap job kinds and their stages. Registered from RecapsConfig.ready().

recap         shots (the video's cuts, found once) → align (script to video) → render
recap_align   shots → align: the user reviews the footage and swaps shots before rendering
recap_render  render (an aligned recap, again after a swap)
"""

from __future__ import annotations

from media_jobs.models import Job
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec
from recaps import aligning, rendering, services

SHOTS, ALIGN, RENDER = "recap_shots", "recap_align", "recap_render"


def shots(job: Job, progress: Progress) -> StageOutcome:
    """PySceneDetect over the full stream, once per video."""
    metrics = aligning.do_detect_shots(job, progress)
    return StageOutcome(metrics=metrics, skipped=not metrics["detected"])


def align(job: Job, progress: Progress) -> StageOutcome:
    """Each script scene anchored where the video tells it, timed, and given its cuts."""
    metrics = aligning.do_align_recap(job, progress)
    return StageOutcome(metrics=metrics, job_result=metrics)


def render(job: Job, progress: Progress) -> StageOutcome:
    """The recap as one video; its figures (reuse of the source included) are the job's result."""
    metrics = rendering.do_render_job_recap(job, progress)
    return StageOutcome(metrics=metrics, job_result=metrics)


JOB_KINDS = [
    JobKind(services.RECAP, "Recap", (SHOTS, ALIGN, RENDER)),
    JobKind(services.RECAP_ALIGN, "Recap alignment", (SHOTS, ALIGN)),
    JobKind(services.RECAP_RENDER, "Recap render", (RENDER,)),
]
STAGES = [
    StageSpec(SHOTS, "Find the shots", shots, weight=15),
    StageSpec(ALIGN, "Match the script to the video", align, after=(SHOTS,), weight=10),
    StageSpec(RENDER, "Render the recap", render, after=(ALIGN,), weight=75),
]
