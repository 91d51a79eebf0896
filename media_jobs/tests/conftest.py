from collections.abc import Callable

import dramatiq
import pytest


def run_worker_until_idle(broker: dramatiq.Broker) -> None:
    """Run a real Dramatiq worker on the real broker until every queued message is processed."""
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        for queue_name in ("default", "gpu"):
            broker.join(queue_name, timeout=30_000)
        worker.join()
    finally:
        worker.stop()


@pytest.fixture
def work_queued_jobs(committed_db) -> Callable[[], None]:
    """Call it to process what has been queued so far (Redis broker, test namespace)."""
    broker = dramatiq.get_broker()
    broker.flush_all()
    return lambda: run_worker_until_idle(broker)
