"""What the recaps app refuses before any work starts, with a message for the user (the API answers 400,
or 409 when the video is not ready for a recap yet)."""

from __future__ import annotations

from reelremix.errors import Refusal


class RecapRefusal(Refusal):
    """Refused by the recaps app (400 unless a subclass says otherwise)."""


class SourceNotReady(RecapRefusal):
    """The source's moderation has not finished, failed, or waits for a moderator."""

    status = 409
