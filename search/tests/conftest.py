from media_jobs.tests.conftest import work_queued_jobs

__all__ = ["work_queued_jobs"]  # the real Dramatiq worker fixture, for pipeline runs in search tests
