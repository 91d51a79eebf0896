import functools
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import dramatiq
import pytest
from imageio_ffmpeg import get_ffmpeg_exe

from media_jobs.tests.s3 import s3  # noqa: F401  (a fixture: media on a local S3-protocol server)
from media_jobs.tests.workers import WorkerProcess


def _pending(broker: dramatiq.Broker) -> int:
    """Messages queued, delayed (retries) or being processed, over every queue (qsize counts all three)."""
    return sum(broker.do_qsize(queue) for queue in broker.get_declared_queues())  # type: ignore[attr-defined]


def run_worker_until_idle(broker: dramatiq.Broker, timeout: float = 300, threads: int = 1) -> None:
    """Run a real Dramatiq worker on the real broker until no message is left anywhere: a pipeline
    stage queues the next one, possibly on the other queue, before its own message is acknowledged."""
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    deadline = time.monotonic() + timeout
    try:
        while _pending(broker):
            assert time.monotonic() < deadline, "the worker did not drain the queues in time"
            time.sleep(0.1)
        worker.join()
    finally:
        worker.stop()


@pytest.fixture
def work_queued_jobs(committed_db) -> Callable[..., None]:
    """Call it to process what has been queued so far (Redis broker, test namespace); `threads`: the
    worker's threads (1)."""
    broker = dramatiq.get_broker()
    broker.flush_all()
    return functools.partial(run_worker_until_idle, broker)


@pytest.fixture
def workers(committed_db) -> Iterator[list[WorkerProcess]]:
    """Start worker processes with `workers.append(WorkerProcess(...))`; all are killed at the end."""
    dramatiq.get_broker().flush_all()
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


@pytest.fixture(scope="session")
def big_mp4(tmp_path_factory) -> Path:
    """12 MB of constant-bitrate video: three parts of S3's smallest part size (5 MiB)."""
    path = tmp_path_factory.mktemp("direct") / "big.mp4"
    subprocess.run(
        [get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264", "-preset", "ultrafast",
         "-b:v", "24M", "-minrate", "24M", "-maxrate", "24M",
         "-bufsize", "2M", "-x264-params", "nal-hrd=cbr", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path
