"""Killing a worker mid-stage and starting another finishes the job with the same result, no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from media_jobs import services
from media_jobs.media.sample import DEMO_SPEECH, SAMPLES_DIR, make_face_video
from media_jobs.models import Job, Stage
from moderation.models import Flag
from reelremix import stack


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "clip.mp4"
    # A minute of speech: transcribing it takes seconds, so the kill lands while the stage runs.
    make_face_video(
        path, SAMPLES_DIR / DEMO_SPEECH, 60.0, size=(320, 180), fps=10, gop=20, preset="ultrafast"
    )
    return path


def _worker_process() -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reelremix.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    command = stack.worker_command(threads=1)
    # Its own process group: dramatiq forks the worker process, and the test kills both at once.
    return subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _kill(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    os.killpg(process.pid, sig)
    process.wait(30)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _flag_signature(job: Job) -> list[tuple]:
    flags = Flag.objects.filter(case__video=job.video).order_by("kind", "start", "label")
    return [(f.kind, f.label, f.action, round(f.start, 2), round(f.end, 2)) for f in flags]


def _submit(world, clip: Path) -> Job:
    return services.do_submit_video(world.alice.user, clip, "clip.mp4")


def test_it_finishes_the_job_after_its_worker_is_killed(work_queued_jobs, committed_db, clip):
    with schema_context(committed_db.acme.schema_name):
        baseline = _submit(committed_db, clip)
    work_queued_jobs()  # a clean run, for the expected result
    with schema_context(committed_db.acme.schema_name):
        expected = _flag_signature(baseline)
        job = _submit(committed_db, clip)
        transcribing = Stage.objects.filter(job=job, name=Stage.Name.TRANSCRIBE)
        first = _worker_process()
        try:
            _wait(
                lambda: transcribing.filter(state=Stage.State.RUNNING).exists(), 60, "transcription to start"
            )
        finally:
            _kill(first, signal.SIGKILL)  # no clean shutdown: its messages stay unacknowledged
        assert transcribing.get().state == Stage.State.RUNNING  # killed mid-stage, left as it was
        second = _worker_process()
        try:
            _wait(
                lambda: Job.objects.get(id=job.pk).is_finished, 180, "the job to finish on the second worker"
            )
        finally:
            _kill(second, signal.SIGTERM)
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED, job.error
        assert transcribing.get().attempts == 2  # the killed stage ran again, on the second worker
        assert _flag_signature(job) == expected
