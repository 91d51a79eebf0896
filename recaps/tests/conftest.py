# Real Dramatiq workers: in this process (work_queued_jobs), or as processes to kill (workers).
from media_jobs.tests.conftest import work_queued_jobs, workers

__all__ = ["work_queued_jobs", "workers"]
