"""What the clips app refuses before any work starts, with a message for the user (the API answers 400,
or 409 when the video is not ready yet)."""

from __future__ import annotations

from reelremix.errors import Refusal


class ClipRefusal(Refusal):
    """Refused by the clips app (400 unless a subclass says otherwise)."""


class VideoNotReady(ClipRefusal):
    """The video's moderation has not finished (or failed): clips follow its findings."""

    status = 409
