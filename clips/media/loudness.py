"""Loudness of clips: measured (EBU R128 integrated, ffmpeg's ebur128), then corrected by one gain.

ffmpeg's loudnorm was the obvious tool, but its one-pass (dynamic) mode misses the target by several LU
on clips of a few seconds, its two-pass linear mode gives up (falls back to dynamic) whenever the gain
would push the true peak over its ceiling, which is most speech, and its analysis resamples to 192 kHz
(0.8 s per 30 s of audio against 0.14 s for ebur128 without true peak). So a clip is measured first
(`measure_loudness`), then the filter from `gain_filter` applies the gain that reaches the target and a
look-ahead limiter that holds the rare peaks under the ceiling: the integrated loudness lands within a
fraction of an LU of the target.
"""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from media_jobs.media.ffmpeg import ffmpeg_exe
from media_jobs.media.types import MediaProcessingError

PEAK_CEILING_DB = -1.5  # dBFS the limiter holds peaks under (platforms ask for -1 dBTP)
SILENCE_LUFS = -70.0  # below this there is nothing to normalise (EBU R128's absolute gate)
MAX_GAIN_DB = 40.0  # never lift a near-silent track into a wall of noise
MAX_CORRECTION_DB = 3.0  # the second look only fine-tunes what the limiter took away
_INTEGRATED = re.compile(r"^\s*I:\s*(-?[\d.]+|-inf) LUFS", re.MULTILINE)
_RANGE = re.compile(r"^\s*LRA:\s*([\d.]+) LU", re.MULTILINE)


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS; -70 (the absolute gate) or less for silence
    range: float  # LU


def ffmpeg_stderr(args: Sequence[str], *, what: str) -> str:
    """Run ffmpeg and return what it printed on stderr (where analysis filters report)."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, check=False)
    stderr = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-5:])
        raise MediaProcessingError(f"{what} failed (ffmpeg exit {result.returncode})", tail)
    return stderr


def measure_loudness(input_args: Sequence[str], audio_filter: str = "") -> Loudness:
    """EBU R128 loudness of the first audio of the input (`input_args` end with `-i <source>`)."""
    chain = f"{audio_filter}," if audio_filter else ""
    stderr = ffmpeg_stderr(
        [*input_args, "-vn", "-af", f"{chain}ebur128=framelog=quiet", "-f", "null", "-"],
        what="measuring loudness",
    )
    integrated, spread = _INTEGRATED.findall(stderr), _RANGE.findall(stderr)
    if not integrated or not spread:
        raise MediaProcessingError("measuring loudness gave no result", stderr[-300:])
    return Loudness(float(integrated[-1]), float(spread[-1]))  # the summary comes last


def normalising_filter(input_args: Sequence[str], target: float) -> tuple[Loudness, str]:
    """The input's loudness and the filter that brings it to `target` LUFS.

    The limiter takes a little loudness off peaky audio: the result is measured once more through the
    filter, and the gain corrected by what is still missing."""
    measured = measure_loudness(input_args)
    first = gain_filter(measured, target)
    if first == "anull":
        return measured, first
    reached = measure_loudness(input_args, first)
    correction = min(max(target - reached.integrated, -MAX_CORRECTION_DB), MAX_CORRECTION_DB)
    return measured, gain_filter(measured, target, correction)


def gain_filter(measured: Loudness, target: float, correction: float = 0.0) -> str:
    """Audio filters that bring `measured` to `target` LUFS, peaks limited; "anull" for silence."""
    if not math.isfinite(measured.integrated) or measured.integrated <= SILENCE_LUFS:
        return "anull"
    gain = min(target - measured.integrated + correction, MAX_GAIN_DB)
    ceiling = 10 ** (PEAK_CEILING_DB / 20)
    return f"volume={gain:.2f}dB,alimiter=limit={ceiling:.4f}:attack=5:release=60:level=0:latency=1"
