"""The upscale job's work. `upscale_chunks`: the source decoded in order and cut into chunks of
`chunk_frames` frames; each chunk's frames are upscaled one at a time (in tiles: memory stays bounded at
4K output), piped to the encoder, and the chunk kept as a checkpoint. A run started again after a crash
skips the chunks kept and carries on from the first missing one. `assemble_output`: the chunks joined,
the source's audio copied, the output kept."""

from __future__ import annotations

import contextlib
import itertools
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gpu_worker import upscaling
from media_jobs import artifacts
from media_jobs.media.probe import probe_media
from media_jobs.media.types import MediaProcessingError
from media_jobs.models import Job
from media_jobs.registry import Progress
from reelremix.observability import metrics
from upscale import services
from upscale.media.assemble import assemble, output_suffix
from upscale.media.encoder import ChunkEncoder
from upscale.media.frames import frame_rate, upright_frames
from upscale.models import Upscale

FrameUpscaler = Callable[[np.ndarray], np.ndarray]


def frame_upscaler(upscale: Upscale) -> FrameUpscaler:
    """The model's upscale of one frame; on the lanczos path frames pass as they are (the encoder
    scales them)."""
    if not upscale.model_scale:
        return lambda frame: frame
    return upscaling.upscaler(upscale.model, upscale.model_scale).upscale


def upscale_chunks(job: Job, progress: Progress) -> dict[str, Any]:
    """Every chunk not kept yet, in order; the figures of this run."""
    upscale = services.upscale_of(job)
    if upscale.file:
        return {"skipped": "the output is already made"}
    kept = services.finished_chunks(upscale)
    resume_at = len(kept)  # chunks are kept in order: the first missing one is the next
    plan, info = services.output_plan(upscale), services.source_info(upscale)
    upscale_frame = frame_upscaler(upscale)
    total = services.frame_count(upscale.video)
    made, frames, model_seconds = 0, 0, 0.0
    with artifacts.local_path(upscale.video.original) as source, tempfile.TemporaryDirectory() as scratch:
        fps = frame_rate(source)
        decoded = upright_frames(source, info.rotation, start=resume_at * upscale.chunk_frames)
        for index, chunk in _chunks(decoded, upscale.chunk_frames):
            if index < resume_at:
                continue
            started = time.monotonic()
            path = Path(scratch) / f"chunk-{index:05d}.mp4"
            size_in, size_out = (plan.model_width, plan.model_height), (plan.width, plan.height)
            with ChunkEncoder(path, size_in, size_out, fps) as encoder:
                for frame in chunk:
                    began = time.perf_counter()
                    upscaled = upscale_frame(frame)
                    model_seconds += time.perf_counter() - began
                    encoder.write(upscaled)
            services.do_record_chunk(upscale, index, encoder.frames, path, time.monotonic() - started)
            path.unlink()
            made, frames = made + 1, frames + encoder.frames
            done = (index + 1) * upscale.chunk_frames
            progress(
                min(0.99, done / total), f"Upscaled chunk {index + 1} ({min(done, total)} of {total} frames)"
            )
    if made == 0 and resume_at == 0:
        raise MediaProcessingError("the source gave no frames to upscale")
    if upscale.model_scale:  # the lanczos path runs no model
        metrics.observe_model_per_frame(f"real-esrgan-{upscale.model}", model_seconds, frames)
    return {"chunks": made, "frames": frames, "resumed_at_chunk": resume_at, "method": plan.method}


def _chunks(
    decoded: Iterator[tuple[int, np.ndarray | None]], size: int
) -> Iterator[tuple[int, Iterator[np.ndarray]]]:
    """(chunk index, its frames) in order; frames decoded but skipped (None) are dropped."""
    for index, group in itertools.groupby(decoded, key=lambda item: item[0] // size):
        yield index, (frame for _, frame in group if frame is not None)


def assemble_output(job: Job, progress: Progress) -> dict[str, Any]:
    """The chunks joined with the source's audio, kept as the output; the minutes settled to it."""
    upscale = services.upscale_of(job)
    if upscale.file:
        return {"skipped": "the output is already made"}
    chunks = services.finished_chunks(upscale)
    if [chunk.index for chunk in chunks] != list(range(len(chunks))) or not chunks:
        raise MediaProcessingError(f"the upscaled chunks are incomplete ({len(chunks)} kept)")
    progress(0.1, f"Joining {len(chunks)} chunks")
    suffix = output_suffix(services.source_info(upscale).audio_codec)
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(artifacts.local_path(upscale.video.original))
        paths = [stack.enter_context(artifacts.local_path(chunk.file)) for chunk in chunks]
        out = Path(stack.enter_context(tempfile.TemporaryDirectory())) / f"upscaled{suffix}"
        assemble(paths, source, out)
        duration = probe_media(out).duration
        frames = sum(chunk.frames for chunk in chunks)
        services.do_save_output(upscale, out, frames, duration)
    return {"frames": frames, "duration": round(duration, 3), "chunks": len(chunks)}
