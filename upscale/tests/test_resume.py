"""A worker killed mid-upscale (SIGKILL: no clean-up, no hand-back): recovery runs the stage again on
the other worker, which resumes after the last chunk kept; the output is complete and its frames are those
of an undisturbed run."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from media_jobs.models import Job, Stage
from media_jobs.tests.workers import WorkerProcess, wait_for
from upscale import services
from upscale.models import Upscale, UpscaleChunk
from upscale.stages import CHUNKS
from upscale.tests.factories import decoded_frames, make_source, moderated_video_of

CHUNK_FRAMES = 3


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    # 18 frames of 128x72 in 6 chunks: about 0.1 s a frame x2 on 2 cores, so the kill lands mid-job
    return make_source(tmp_path_factory.mktemp("upscale-resume") / "source.mp4", size="128x72", frames=18)


def _start(world, source: Path) -> Upscale:
    video = moderated_video_of(world.acme, source, world.alice.user)
    with override_settings(UPSCALE_CHUNK_FRAMES=CHUNK_FRAMES):
        return services.do_start_upscale(video, world.alice.user, "animevideov3", "2x")


def _finished(upscale: Upscale) -> Upscale:
    wait_for(lambda: Job.objects.get(pk=upscale.job_id).is_finished, 180, "the upscale to finish")
    done = Upscale.objects.select_related("job").get(pk=upscale.pk)
    assert done.job.state == Job.State.SUCCEEDED, done.job.error
    return done


def test_a_killed_upscale_resumes_at_its_last_chunk_with_the_frames_of_an_undisturbed_run(
    committed_db, workers, source, tmp_path
):
    with schema_context(committed_db.acme.schema_name):
        workers += [WorkerProcess(tmp_path / f"w{i}.log") for i in range(2)]  # they start side by side
        undisturbed = _finished(_start(committed_db, source))
        upscale = _start(committed_db, source)
        wait_for(lambda: UpscaleChunk.objects.filter(upscale=upscale).count() >= 2, 120, "two chunks kept")
        stage = Stage.objects.get(job_id=upscale.job_id, name=CHUNKS)
        os.kill(int(stage.claimed_by.rsplit(":", 1)[1]), signal.SIGKILL)  # the forked process running it
        done = _finished(upscale)
        metrics = done.job.stages.get(name=CHUNKS)
        assert metrics.attempts == 2, [w.log() for w in workers]
        assert 2 <= metrics.metrics["resumed_at_chunk"] < 6
        assert metrics.metrics["chunks"] == 6 - metrics.metrics["resumed_at_chunk"]
        resumed, expected = decoded_frames(done.file.path), decoded_frames(undisturbed.file.path)
    assert len(resumed) == len(expected) == 18
    assert all(np.array_equal(a, b) for a, b in zip(resumed, expected, strict=True))
