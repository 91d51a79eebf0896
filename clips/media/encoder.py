"""The ffmpeg process that turns cropped raw frames into the clip's MP4: scale, captions, x264, audio.

It reads yuv420p frames on stdin, at the window's size and the source's frame rate, and the clip's raw
audio from a file (or a silent track when the source has none: every clip has audio, so players,
platforms and compilations treat them alike). Its stderr goes to a file, never a pipe, so a chatty
ffmpeg cannot block while this process is still writing frames to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import IO

from clips.media.clip_audio import CHANNELS, RATE, ClipAudio
from clips.media.framing import CropPath
from clips.media.types import ClipSpec
from media_jobs.media.ffmpeg import ffmpeg_exe
from media_jobs.media.types import MediaProcessingError

CLIP_X264_PRESET = "ultrafast"  # see render.py for the measurement behind it
CLIP_CRF = "26"  # ultrafast at 23 took ~10 % more time for files ~1.5x the size; 28 saves ~5 % more
AUDIO_BIT_RATE = "128k"
SCALER = "bilinear"  # upscaling a crop: as sharp as bicubic to the eye here, and cheaper
PIPE_BYTES = 1 << 20

KEYFRAME_SECONDS = 2  # a keyframe every 2 s: quick seeking in browsers and editors


def ass_filter(path: Path) -> str:
    """The libass filter for a caption file (its path escaped for a filtergraph)."""
    escaped = str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")
    return f"ass=filename='{escaped}'"


class ClipEncoder:
    """Builds the ffmpeg command for one clip and runs it while frames are written to its stdin."""

    def __init__(
        self,
        out: Path,
        spec: ClipSpec,
        crop: CropPath,
        fps: Fraction,
        audio: ClipAudio | None,
        captions: Path | None,
        scratch: Path,
    ) -> None:
        self.out, self.spec, self.crop, self.fps = out, spec, crop, fps
        self.audio, self.captions, self.log = audio, captions, scratch / "encoder.log"

    def command(self) -> list[str]:
        video_in = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{self.crop.width}x{self.crop.height}"]
        video_in += ["-framerate", str(self.fps), "-i", "pipe:0"]
        video = f"[0:v]scale={self.spec.width}:{self.spec.height}:flags={SCALER},setsar=1"
        video += f",{ass_filter(self.captions)}" if self.captions else ""
        audio_filter = self.audio.filter if self.audio else "anull"
        graph = f"{video}[v];[1:a]{audio_filter},aresample={RATE}[a]"
        encode = ["-c:v", "libx264", "-preset", CLIP_X264_PRESET, "-crf", CLIP_CRF, "-pix_fmt", "yuv420p"]
        encode += ["-g", str(round(KEYFRAME_SECONDS * self.fps)), "-c:a", "aac", "-b:a", AUDIO_BIT_RATE]
        encode += ["-ar", str(RATE), "-ac", str(CHANNELS), "-t", f"{self.crop.frames / float(self.fps):.6f}"]
        return [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *video_in,
            *self._audio_input(),
            *("-filter_complex", graph, "-map", "[v]", "-map", "[a]", *encode),
            *("-movflags", "+faststart", "-f", "mp4", str(self.out)),
        ]

    def _audio_input(self) -> list[str]:
        if self.audio is not None:
            return self.audio.input_args
        silence = f"anullsrc=r={RATE}:cl=stereo:d={self.crop.frames / float(self.fps):.6f}"
        return ["-f", "lavfi", "-i", silence]

    @contextlib.contextmanager
    def running(self) -> Iterator[IO[bytes]]:
        """The encoder's stdin; raises MediaProcessingError (with its stderr) when it fails."""
        with self.log.open("wb") as log:
            process = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stderr=log)
            assert process.stdin is not None
            with contextlib.suppress(OSError):  # a bigger pipe: fewer wake-ups per frame on both sides
                fcntl.fcntl(process.stdin, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            try:
                yield process.stdin
                process.stdin.close()
            except BrokenPipeError:
                pass  # the encoder died: its exit status and log say why
            except BaseException:
                process.kill()
                raise
            finally:
                returncode = process.wait()
        if returncode != 0:
            tail = " | ".join(self.log.read_text(errors="replace").strip().splitlines()[-5:])
            raise MediaProcessingError(f"encoding the clip failed (ffmpeg exit {returncode})", tail)
