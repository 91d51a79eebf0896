"""The two kinds of failure every adapter (ffmpeg, a model, a remote API) raises, and the CLI's own."""

from gpu_worker.errors import PermanentModelError


class PermanentJobError(Exception):
    """Retrying cannot fix it (corrupt input, quota exceeded): the job fails with this message,
    which is written for the user."""


class RetryableJobError(Exception):
    """A passing failure (a remote API timed out, a worker ran out of memory): worth retrying."""


# What the engine does not retry, and whose message becomes the job's reason. gpu_worker, which imports
# nothing of ours, has its own pair (its retryable error, like ours, is retried as any other exception).
PERMANENT_ERRORS: tuple[type[Exception], ...] = (PermanentJobError, PermanentModelError)


class Refusal(Exception):
    """A request refused before any work starts. `code` names the reason for programs, the message is for
    people; `status` is the HTTP answer (400, or 409 when what the request needs is not ready yet). API views
    let it propagate: reelremix.api_errors answers it in the API's error shape."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class StartupError(Exception):
    """A `reelremix` command cannot go on; the message is one line for the operator."""
