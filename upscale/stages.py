"""The upscale job kind and its stages. Registered from UpscaleConfig.ready().

upscale  upscale_chunks (the model, chunk by chunk, each kept as a checkpoint) → upscale_assemble
         (the chunks joined, the source's audio copied untouched)
"""

from __future__ import annotations

from media_jobs.models import Job
from media_jobs.registry import JobKind, Progress, StageOutcome, StageSpec
from upscale import processing, services

CHUNKS, ASSEMBLE = "upscale_chunks", "upscale_assemble"


def upscale_chunks(job: Job, progress: Progress) -> StageOutcome:
    """Decode, upscale and encode the source chunk by chunk, resuming after the last chunk kept."""
    metrics = processing.upscale_chunks(job, progress)
    return StageOutcome(metrics=metrics, skipped="skipped" in metrics)


def assemble(job: Job, progress: Progress) -> StageOutcome:
    """The chunks as one file with the source's audio; the job's result describes it."""
    metrics = processing.assemble_output(job, progress)
    upscale = services.upscale_of(job)
    return StageOutcome(
        metrics=metrics, skipped="skipped" in metrics, job_result=services.job_result(upscale)
    )


JOB_KINDS = [JobKind(services.UPSCALE, "Upscale", (CHUNKS, ASSEMBLE))]
STAGES = [
    # On the gpu queue: a GPU worker runs the models on ncnn's Vulkan backend (UPSCALE_VULKAN).
    StageSpec(CHUNKS, "Upscale frames", upscale_chunks, queue="gpu", weight=95),
    StageSpec(ASSEMBLE, "Join chunks and copy the audio", assemble, after=(CHUNKS,), weight=5),
]
