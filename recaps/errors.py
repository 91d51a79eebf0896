"""What the recaps app refuses before any work starts, with a message for the user (the API answers 400,
or 409 when the video is not ready for a recap yet)."""

from __future__ import annotations


class RecapRefusal(Exception):
    """`code` names the reason for programs; the message is for people."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message

    def as_dict(self) -> dict[str, str]:
        return {"detail": self.message, "code": self.code}


class SourceNotReady(RecapRefusal):
    """The source's moderation has not finished, failed, or waits for a moderator."""

    status = 409
