# The real Dramatiq worker fixture: upscale jobs run on it.
from media_jobs.tests.conftest import work_queued_jobs

__all__ = ["work_queued_jobs"]
