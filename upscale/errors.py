"""What the upscale app refuses before any work starts, with a message for the user (the API answers 400,
or 409 when the video is not ready yet)."""

from __future__ import annotations

from reelremix.errors import Refusal


class UpscaleRefusal(Refusal):
    """Refused by the upscale app (400 unless a subclass says otherwise)."""


class VideoNotReady(UpscaleRefusal):
    """The video's moderation has not finished, failed, or a moderator rejected it."""

    status = 409
