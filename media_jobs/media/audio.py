"""The soundtrack for the transcriber: 16 kHz mono 16-bit PCM WAV, cut by the bundled ffmpeg."""

from __future__ import annotations

from pathlib import Path

import av
from av.stream import Disposition

from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.types import MediaInfo, MediaProcessingError

SAMPLE_RATE = 16_000
# Decoding and resampling run at hundreds of times real time; a run this slow has hung.
TIMEOUT_BASE = 60.0  # seconds
TIMEOUT_PER_MEDIA_SECOND = 0.1


def extract_audio(path: Path, out_wav: Path, info: MediaInfo) -> Path | None:
    """Write the default (else first) audio track as 16 kHz mono 16-bit WAV; None when there is no audio."""
    if not info.has_audio:
        return None
    track = main_audio_track(path)
    args = ["-i", str(path), "-map", f"0:a:{track}", "-map_metadata", "-1"]
    # Padding to the file's first timestamp keeps word times in step with frame times when the
    # audio starts late.
    args += ["-af", "aresample=async=1:first_pts=0", "-ac", "1", "-ar", str(SAMPLE_RATE)]
    args += ["-c:a", "pcm_s16le", "-bitexact", "-f", "wav", str(out_wav)]
    timeout = TIMEOUT_BASE + info.duration * TIMEOUT_PER_MEDIA_SECOND
    run_ffmpeg(args, what="extracting the audio track", timeout=timeout)
    return out_wav


def main_audio_track(path: Path) -> int:
    """Position among the audio streams of the one marked default, else 0."""
    try:
        with av.open(str(path), mode="r") as container:
            flags = [stream.disposition for stream in container.streams.audio]
    except av.error.FFmpegError as error:
        raise MediaProcessingError(f"opening {path.name} for audio failed", str(error)) from None
    return next((i for i, flag in enumerate(flags) if flag & Disposition.default), 0)
