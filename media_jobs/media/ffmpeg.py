"""The one place that runs the ffmpeg binary (imageio-ffmpeg's bundled build unless FFMPEG_BINARY is set)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from functools import cache

from django.conf import settings

from media_jobs.media.types import MediaProcessingError


@cache
def ffmpeg_exe() -> str:
    if settings.FFMPEG_BINARY:
        return str(settings.FFMPEG_BINARY)
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(args: Sequence[str], *, what: str, timeout: float | None = None) -> None:
    """Run `ffmpeg -hide_banner -nostdin -y <args>`; raise MediaProcessingError with stderr's tail."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise MediaProcessingError(f"{what} took longer than {timeout:.0f} s") from None
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise MediaProcessingError(f"{what} failed (ffmpeg exit {result.returncode})", " | ".join(tail))
