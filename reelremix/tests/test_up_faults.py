"""`reelremix up` under faults, with production timings: a worker killed with SIGKILL mid-stage (what the
kernel's OOM killer does) is started again while the site keeps serving, and its stage runs again within
90 s; then Ctrl-C hands running stages back, so no job is left `running`."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from media_jobs.tests.workers import make_fault_clip, wait_for
from reelremix.tests.stack import Api, Stack

RERUN_WITHIN = 90.0  # seconds from a worker's death to its stage running again (the promise)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_fault_clip(tmp_path_factory.mktemp("up") / "clip.mp4", seconds=30.0)


def _worker_processes(up_pid: int) -> list[int]:
    """Dramatiq's worker processes under `up`: children of a `dramatiq` process (the master is not one)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
            parents[int(pid)] = int(rest.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue

    def is_dramatiq(pid: int) -> bool:
        try:
            return b"dramatiq" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    return [pid for pid, parent in parents.items() if is_dramatiq(pid) and is_dramatiq(parent)]


def _why_stalled(stack: Stack, api: Api, video: int, database_url: str) -> str:
    """What a stalled run leaves to read: the job, the workers' stacks (SIGUSR1), the database's sessions."""
    for pid in _worker_processes(stack.process.pid):
        os.kill(pid, signal.SIGUSR1)  # faulthandler, registered by reelremix.worker
    time.sleep(3)
    with psycopg.connect(database_url) as db:
        sessions = db.execute(
            "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 120) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    sessions_text = "\n".join(map(str, sessions))
    return f"the job did not finish: {api.job(video)}\n{stack.tail(400)}\nsessions:\n{sessions_text}"


def _phase(began: float, what: str) -> None:
    print(f"\n{time.monotonic() - began:6.1f} s  {what}")  # shown when the test fails: where the time went


def test_it_restarts_a_killed_worker_and_leaves_no_job_running_after_ctrl_c(stack, clip, e2e_env):
    began = time.monotonic()
    stack.wait_for("Press Ctrl-C to stop.")
    _phase(began, "up: migrated a new database and serving")
    api = Api(stack)
    video = api.submit(clip)
    wait_for(lambda: api.stage(video, "transcribe")["state"] == "running", 120, "transcription to start")
    _phase(began, "transcription running: its worker killed")
    pid = int(api.stage(video, "transcribe")["claimed_by"].rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)  # the kernel's OOM killer: no clean-up
    killed_at, unhealthy = time.time(), 0
    deadline = time.monotonic() + 180  # 61 s when it passes; under the suite's 300 s, so a stall says why
    while api.job(video)["state"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, _why_stalled(stack, api, video, e2e_env["DATABASE_URL"])
        unhealthy += not api.healthy()
        time.sleep(1)
    _phase(began, "the job finished")
    job = api.job(video)
    transcribe = next(s for s in job["stages"] if s["name"] == "transcribe")
    rerun_after = datetime.fromisoformat(transcribe["started_at"]).timestamp() - killed_at
    print(f"\nstage run again {rerun_after:.1f} s after its worker was killed")
    assert (job["state"], transcribe["attempts"]) == ("succeeded", 2), job["error"]
    assert 0 < rerun_after <= RERUN_WITHIN
    assert unhealthy == 0  # the site answered throughout
    assert "worker (pid" in stack.wait_for("started again", timeout=5)

    second = api.submit(clip)
    wait_for(lambda: api.stage(second, "transcribe")["state"] == "running", 120, "transcription to start")
    _phase(began, "a second job transcribing: Ctrl-C")
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(60) == 0
    _phase(began, "up stopped")
    with psycopg.connect(e2e_env["DATABASE_URL"]) as db:
        rows = db.execute(
            "SELECT s.name, s.state, j.state FROM t_demo.media_jobs_stage s "
            "JOIN t_demo.media_jobs_job j ON j.id = s.job_id WHERE j.video_id = %s",
            [second],
        ).fetchall()
    stages, job_states = {name: state for name, state, _ in rows}, {state for *_, state in rows}
    assert "running" not in stages.values() and stages["transcribe"] == "queued"  # handed back
    assert job_states == {"queued"}  # waiting for a worker, which the next `reelremix up` starts
