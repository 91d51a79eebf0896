"""The two kinds of failure every adapter (ffmpeg, a model, a remote API) raises."""


class PermanentJobError(Exception):
    """Retrying cannot fix it (corrupt input, quota exceeded): the job fails with this message,
    which is written for the user."""


class RetryableJobError(Exception):
    """A passing failure (a remote API timed out, a worker ran out of memory): worth retrying."""
