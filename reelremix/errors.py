"""The two kinds of failure every adapter (ffmpeg, a model, a remote API) raises, and the CLI's own."""


class PermanentJobError(Exception):
    """Retrying cannot fix it (corrupt input, quota exceeded): the job fails with this message,
    which is written for the user."""


class RetryableJobError(Exception):
    """A passing failure (a remote API timed out, a worker ran out of memory): worth retrying."""


class StartupError(Exception):
    """A `reelremix` command cannot go on; the message is one line for the operator."""
