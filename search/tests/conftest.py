# The real Dramatiq worker fixture (pipeline runs), and a running `reelremix up` for the browser test.
from media_jobs.tests.conftest import work_queued_jobs
from reelremix.tests.conftest import e2e_env, free_port
from reelremix.tests.stack import stack, stack_env

__all__ = ["e2e_env", "free_port", "stack", "stack_env", "work_queued_jobs"]
