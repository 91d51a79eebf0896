"""The ffmpeg process that turns one chunk of upscaled RGB frames into H.264: frames arrive on its stdin at
the model's output size, lanczos brings them to the exact output size where that differs (and does all of
the scaling on the non-AI path). Its stderr goes to a file, never a pipe, so it cannot block the writer."""

from __future__ import annotations

import contextlib
import subprocess
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import numpy as np

from media_jobs.media.ffmpeg import ffmpeg_exe
from media_jobs.media.types import MediaProcessingError

X264_PRESET = "veryfast"  # the encode is a small share of an AI upscale (bench/RESULTS.md)
CRF = "18"  # upscaled detail is the point: keep it (23 visibly smooths the model's edges)
PIPE_BYTES = 1 << 20


def encode_command(
    out: Path, size_in: tuple[int, int], size_out: tuple[int, int], fps: Fraction
) -> list[str]:
    frames_in = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size_in[0]}x{size_in[1]}"]
    frames_in += ["-framerate", f"{fps.numerator}/{fps.denominator}", "-i", "pipe:0"]
    resize = [] if size_in == size_out else ["-vf", f"scale={size_out[0]}:{size_out[1]}:flags=lanczos"]
    # No B-frames: each chunk's decode times then equal its presentation times, so joined chunks have no
    # gaps in their timestamps (with B-frames each chunk starts two frames early in decode time).
    encode = [
        "-c:v",
        "libx264",
        "-preset",
        X264_PRESET,
        "-crf",
        CRF,
        "-bf",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-an",
    ]
    return [
        *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
        *frames_in, *resize, *encode, "-f", "mp4", str(out),
    ]  # fmt: skip


class ChunkEncoder:
    """`with ChunkEncoder(...) as encoder: encoder.write(frame)`: the chunk's MP4 once the block ends."""

    def __init__(self, out: Path, size_in: tuple[int, int], size_out: tuple[int, int], fps: Fraction) -> None:
        self.command = encode_command(out, size_in, size_out, fps)
        self.out, self.size_in, self.log = out, size_in, out.with_suffix(".log")
        self.frames = 0
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ChunkEncoder:
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, bufsize=PIPE_BYTES
            )
        return self

    def write(self, frame: np.ndarray) -> None:
        assert self._process is not None and self._process.stdin is not None
        if frame.shape != (self.size_in[1], self.size_in[0], 3):
            raise MediaProcessingError(f"a frame of {frame.shape} in a chunk of {self.size_in}")
        try:
            self._process.stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self._fail()
        self.frames += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._process is not None and self._process.stdin is not None
        if kind is not None:
            self._process.kill()
            self._process.wait()
            return
        with contextlib.suppress(BrokenPipeError):  # ffmpeg already gone: its exit status says why
            self._process.stdin.close()
        if self._process.wait() != 0:
            self._fail()

    def _fail(self) -> None:
        assert self._process is not None
        self._process.kill()
        self._process.wait()
        tail = " | ".join(self.log.read_text(errors="replace").strip().splitlines()[-5:])
        raise MediaProcessingError(f"encoding {self.out.name} failed", tail)
