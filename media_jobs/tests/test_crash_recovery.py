"""Faults a deployment meets, on real worker processes and the real embedded servers: a worker killed
with SIGKILL, a worker stopped with SIGTERM, Redis killed and PostgreSQL restarted mid-job. Each time the
job ends with the flags of an undisturbed run, no duplicate rows, and no stage left without a worker."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings
from django.db import connections
from django_tenants.utils import schema_context

from media_jobs import claims, services
from media_jobs.dispatch import stage_actor_name
from media_jobs.middleware import StageShutdownNotifications
from media_jobs.models import Artifact, Job, Stage
from media_jobs.tests.workers import FAST_RECOVERY, WorkerProcess, make_fault_clip, wait_for
from moderation.models import Case, Flag
from moderation.stages import ANALYZE, DETECT, TRANSCRIBE
from reelremix import embedded
from search.models import Segment

DETECT, TRANSCRIBE, ANALYZE = DETECT, TRANSCRIBE, ANALYZE
_expected: dict[str, tuple] = {}  # the undisturbed run's outcome, measured once per module


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_fault_clip(tmp_path_factory.mktemp("crash") / "clip.mp4")


def _outcome(job: Job) -> tuple:
    """What a run leaves: the flags, and how many rows of each kind (duplicates would show here)."""
    flags = Flag.objects.filter(case__video=job.video).order_by("kind", "start", "label")
    return (
        [(f.kind, f.label, f.action, round(f.start, 2), round(f.end, 2)) for f in flags],
        Case.objects.filter(video=job.video).count(),
        Artifact.objects.filter(job=job).count(),
        Segment.objects.filter(video=job.video).count(),
    )


def _settled(job_id: int) -> Job:
    job = Job.objects.get(id=job_id)
    assert job.state == Job.State.SUCCEEDED, job.error
    stuck = job.stages.filter(state__in=[Stage.State.RUNNING, Stage.State.QUEUED, Stage.State.PENDING])
    assert not stuck.exists()  # no stage left without a worker, or waiting for a lost message
    return job


def _expected_outcome(world, clip: Path, tmp_path: Path) -> tuple:
    if "outcome" not in _expected:
        worker = WorkerProcess(tmp_path / "baseline.log")
        try:
            job = services.do_submit_video(world.alice.user, clip, "clip.mp4")
            wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 240, "the undisturbed run")
        finally:
            worker.stop()
        _expected["outcome"] = _outcome(_settled(job.pk))
    return _expected["outcome"]


def _running(job: Job, name: str) -> Stage | None:
    return Stage.objects.filter(job=job, name=name, state=Stage.State.RUNNING).first()


def _taken_from(job: Job, pid: int) -> bool:
    """Whether another process than `pid` runs the job's transcription now."""
    stage = _running(job, TRANSCRIBE)
    return stage is not None and not stage.claimed_by.endswith(f":{pid}")


def _pid_running(job: Job, name: str) -> int:
    wait_for(lambda: _running(job, name), 120, f"{name} to start")
    stage = _running(job, name)
    assert stage is not None
    return int(stage.claimed_by.rsplit(":", 1)[1])


def test_it_runs_a_killed_workers_stage_again_on_another_worker(committed_db, workers, clip, tmp_path):
    with schema_context(committed_db.acme.schema_name):
        expected = _expected_outcome(committed_db, clip, tmp_path)
        workers += [WorkerProcess(tmp_path / f"w{i}.log") for i in range(2)]
        job = services.do_submit_video(committed_db.alice.user, clip, "clip.mp4")
        pid = _pid_running(job, TRANSCRIBE)
        os.kill(pid, signal.SIGKILL)  # what the OOM killer does: no clean-up, no hand-back
        killed_at = time.monotonic()
        waited = wait_for(
            lambda: Stage.objects.filter(job=job, name=TRANSCRIBE, attempts=2).exists(), 60, "a second run"
        )
        wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 240, "the job to finish")
        done = _settled(job.pk)
        assert _outcome(done) == expected
    stale = int(FAST_RECOVERY["STAGE_STALE_SECONDS"]) + int(FAST_RECOVERY["RECOVERY_INTERVAL_SECONDS"])
    print(f"\nkilled stage run again {waited:.1f} s after SIGKILL (bound {stale} s + a claim)")
    assert time.monotonic() - killed_at >= waited and waited <= stale + 3


def test_it_hands_a_stage_to_another_worker_at_once_on_sigterm(committed_db, workers, clip, tmp_path):
    never_stale = {"STAGE_STALE_SECONDS": "600"}  # so that only the hand-back can move the stage
    with schema_context(committed_db.acme.schema_name):
        expected = _expected_outcome(committed_db, clip, tmp_path)
        workers += [WorkerProcess(tmp_path / f"w{i}.log", **never_stale) for i in range(2)]
        job = services.do_submit_video(committed_db.alice.user, clip, "clip.mp4")
        pid = _pid_running(job, TRANSCRIBE)
        (stopping,) = [worker for worker in workers if worker.runs(pid)]
        stopping.main.send_signal(signal.SIGTERM)  # as systemd or `reelremix up` stops a worker
        waited = wait_for(lambda: _taken_from(job, pid), 30, "another worker to take the stage")
        assert stopping.main.wait(30) == 0, stopping.log()
        wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 240, "the job to finish")
        done = _settled(job.pk)
        assert done.stages.get(name=TRANSCRIBE).attempts == 1  # the hand-back was not counted
        assert _outcome(done) == expected
    print(f"\nstage taken by the other worker {waited:.1f} s after SIGTERM")
    assert waited < 10


def test_a_stopping_worker_takes_up_none_of_the_stages_it_handed_back(committed_db, workers, clip, tmp_path):
    # Four threads: a job's three model stages claimed, one idle. After SIGTERM, Dramatiq's threads still take
    # a message each, and the stopping worker's own consumer fetches the hand-back's new messages.
    with schema_context(committed_db.acme.schema_name):
        workers.append(WorkerProcess(tmp_path / "w.log", threads=4, STAGE_STALE_SECONDS="600"))
        job = services.do_submit_video(committed_db.alice.user, clip, "clip.mp4")
        _pid_running(job, TRANSCRIBE)
        workers[-1].main.send_signal(signal.SIGTERM)
        assert workers[-1].main.wait(30) == 0, workers[-1].log()
        log = workers[-1].log_path.read_text()
        handed_back = [int(found) for found in re.findall(r"Stage (\d+) \(\w+\) handed back: True", log)]
        states = dict(job.stages.filter(id__in=handed_back).values_list("name", "state"))
    # Left for the next worker: none was taken up again, and run, by the worker that was stopping.
    assert TRANSCRIBE in states and set(states.values()) == {Stage.State.QUEUED}, states


def _restart_redis(*, data: str) -> None:
    """SIGKILL Redis mid-stage (no clean shutdown) and start it again with what its files kept, or, with
    data="lost", with nothing: the broker forgets every message it held."""
    redis_dir = Path(settings.VAR_DIR) / "redis"
    os.kill(int((redis_dir / "redis.pid").read_text()), signal.SIGKILL)
    wait_for(lambda: not embedded.port_is_open(settings.EMBEDDED_REDIS_PORT), 10, "Redis to die")
    if data == "lost":
        for saved in [*redis_dir.glob("*.aof"), *redis_dir.glob("appendonlydir/*"), *redis_dir.glob("*.rdb")]:
            saved.unlink()
    time.sleep(2)  # workers meet a missing Redis for a while
    embedded.ensure_redis(settings.VAR_DIR, settings.EMBEDDED_REDIS_PORT)


def _restart_postgres() -> None:
    embedded.stop_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT)
    time.sleep(2)
    embedded.ensure_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT)
    connections.close_all()  # this process's connection died with the server
    started = time.monotonic()
    Stage.objects.exists()
    # Every idle connection of this process's pool died too; the pool replaces them at once (without
    # reelremix.db.pool_check it found them dead one by one, sleeping between: over 30 s).
    assert time.monotonic() - started < 5


@pytest.mark.skipif(
    not (settings.EMBEDDED_POSTGRES and settings.EMBEDDED_REDIS), reason="restarts the embedded servers"
)
def test_it_finishes_the_job_across_redis_and_postgres_restarts(committed_db, workers, clip, tmp_path):
    with schema_context(committed_db.acme.schema_name):
        expected = _expected_outcome(committed_db, clip, tmp_path)
        workers.append(WorkerProcess(tmp_path / "w1.log"))
        job = services.do_submit_video(committed_db.alice.user, clip, "clip.mp4")
        _pid_running(job, DETECT)
        _restart_redis(data="kept")  # SIGKILL mid-stage; the append-only file keeps what it held
        analysis = job.stages.filter(name=ANALYZE).exclude(state=Stage.State.PENDING)
        wait_for(analysis.exists, 120, "the analysis to be queued")
        _restart_postgres()  # while the analysis, the render or the index runs
        workers[0].main.send_signal(signal.SIGTERM)  # the workers go away (a deploy)...
        workers[0].main.wait(30)
        # In flight when Redis forgets: queued (the worker handed it back) or still running under the stopped
        # worker's claim (a stage that met the database outage could not be released). Either way its
        # message is gone with Redis, and recovery must send it again under a new one.
        in_flight = job.stages.filter(state__in=[Stage.State.QUEUED, Stage.State.RUNNING])
        waiting = dict(in_flight.values_list("name", "message_id"))
        _restart_redis(data="lost")  # ...and Redis comes back without its files: those messages are gone
        workers.append(WorkerProcess(tmp_path / "w2.log"))
        wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 240, "the job to finish")
        done = _settled(job.pk)
        assert _outcome(done) == expected, [w.log() for w in workers]
        delivered = dict(done.stages.values_list("name", "message_id"))
    assert waiting and all(delivered[name] != lost for name, lost in waiting.items())  # sent again


def test_a_stage_message_taken_once_the_worker_stops_is_never_interrupted():
    # Interrupting it could land anywhere, even in a logging lock it then holds forever (a worker hung so).
    broker = dramatiq.get_broker()
    notifications = next(m for m in broker.middleware if isinstance(m, StageShutdownNotifications))
    actor = broker.get_actor(stage_actor_name("gpu"))
    message = actor.message("t_acme", 1, TRANSCRIBE)
    before = notifications.should_notify(actor, message)
    claims.stop_claiming()
    try:
        while_stopping = notifications.should_notify(actor, message)
    finally:
        claims.start_claiming()
    assert (before, while_stopping, notifications.should_notify(actor, message)) == (True, False, True)
