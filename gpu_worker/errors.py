"""The two ways a model can fail. gpu_worker knows nothing of jobs: the engine treats a permanent model
error as it treats any permanent job error (the job fails with the message, no retry)."""


class PermanentModelError(Exception):
    """Running the model again cannot fix it (weights missing, input it cannot read); the message is
    written for the user."""


class RetryableModelError(Exception):
    """A passing failure (a remote API timed out, the device ran out of memory): worth retrying."""
