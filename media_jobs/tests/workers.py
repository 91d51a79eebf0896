"""Real Dramatiq worker processes for the fault tests: started as production starts them, on the test
database and broker, with recovery on and its timings shortened."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from reelremix import stack
from reelremix.demo_video import DEMO_SPEECH, make_face_video

# Heartbeat every second, a stage silent for 5 s is stalled, every worker sweeps every second.
FAST_RECOVERY = {
    "RUN_PERIODIC_TASKS": "1",
    "STAGE_HEARTBEAT_SECONDS": "1",
    "STAGE_STALE_SECONDS": "5",
    "RECOVERY_INTERVAL_SECONDS": "1",
    "STAGE_QUEUED_GRACE_SECONDS": "3",
}


class WorkerProcess:
    """`dramatiq reelremix.worker` (one process, one thread unless told), its log in `log_path`."""

    def __init__(self, log_path: Path, threads: int = 1, **env: str) -> None:
        db = connection.settings_dict
        full_env = {
            **os.environ,
            **FAST_RECOVERY,
            **env,
            "DJANGO_SETTINGS_MODULE": "reelremix.settings_test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        }
        self.log_path = log_path
        with log_path.open("ab") as log:
            # Its own session: the test signals the Dramatiq main process and its forked worker alone.
            self.main = subprocess.Popen(
                stack.worker_command(threads=threads), env=full_env, cwd=settings.BASE_DIR, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def runs(self, pid: int) -> bool:
        """Whether `pid` is this worker's forked process (the one that runs stages)."""
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        return int(stat.rsplit(")", 1)[1].split()[1]) == self.main.pid

    def stop(self) -> None:
        if self.main.poll() is None:
            os.killpg(self.main.pid, signal.SIGKILL)
        self.main.wait(30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> float:
    """Poll until `predicate()` is true; returns the seconds it took."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def make_fault_clip(path: Path, seconds: float = 20.0) -> Path:
    """A small clip with speech: transcribing it takes seconds, so a fault lands while the stage runs."""
    make_face_video(path, DEMO_SPEECH, seconds, size=(320, 180), fps=10, gop=20, preset="ultrafast")
    return path
