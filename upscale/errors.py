"""What the upscale app refuses before any work starts, with a message for the user (the API answers 400,
or 409 when the video is not ready yet)."""

from __future__ import annotations


class UpscaleRefusal(Exception):
    """`code` names the reason for programs; the message is for people."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message

    def as_dict(self) -> dict[str, str]:
        return {"detail": self.message, "code": self.code}


class VideoNotReady(UpscaleRefusal):
    """The video's moderation has not finished, failed, or a moderator rejected it."""

    status = 409
