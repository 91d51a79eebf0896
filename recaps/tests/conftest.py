# The real Dramatiq worker fixture: recap jobs run on it, after moderation.
from media_jobs.tests.conftest import work_queued_jobs

__all__ = ["work_queued_jobs"]
