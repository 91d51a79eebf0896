"""The clips job kinds and their stages. Registered from ClipsConfig.ready().

clips        choose (find and score the clips) → render (each clip, best first)
clip_render  render (a clip again, after an edit)
compilation  compile (clips in order, crossfades, music)
"""

from __future__ import annotations

from clips import compilations, rendering, services
from media_jobs.models import Job
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec

CHOOSE, RENDER, COMPILE = "clips_choose", "clips_render", "clips_compile"


def choose(job: Job, progress: Progress) -> StageOutcome:
    """Candidate windows on sentence boundaries, scored, the best that do not overlap kept."""
    progress(0.1, "Finding clips")
    chosen = services.do_choose_clips(job)
    return StageOutcome(metrics={"clips": len(chosen), "safe_to_post": sum(c.safe_to_post for c in chosen)})


def render(job: Job, progress: Progress) -> StageOutcome:
    """Each clip rendered in each aspect asked for; the job's result lists them."""
    metrics = rendering.render_job_clips(job, progress)
    return StageOutcome(metrics=metrics, job_result=services.job_result(job))


def compile_clips(job: Job, progress: Progress) -> StageOutcome:
    """The compilation's clips as one video."""
    metrics = compilations.render_job_compilation(job, progress)
    return StageOutcome(metrics=metrics, job_result=metrics)


JOB_KINDS = [
    JobKind(services.CLIPS, "Clips", (CHOOSE, RENDER)),
    JobKind(services.CLIP_RENDER, "Clip render", (RENDER,)),
    JobKind(compilations.COMPILATION, "Compilation", (COMPILE,)),
]
STAGES = [
    StageSpec(CHOOSE, "Find and score clips", choose, weight=10),
    StageSpec(RENDER, "Render clips", render, after=(CHOOSE,), weight=90),
    StageSpec(COMPILE, "Render compilation", compile_clips, weight=100),
]
