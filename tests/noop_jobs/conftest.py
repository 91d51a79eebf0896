from media_jobs.tests.conftest import work_queued_jobs

__all__ = ["work_queued_jobs"]
