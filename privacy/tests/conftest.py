# A real Dramatiq worker in this process: work_queued_jobs runs what was queued.
from media_jobs.tests.conftest import work_queued_jobs

__all__ = ["work_queued_jobs"]
