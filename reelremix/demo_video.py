"""The demo and benchmark sample: a real face photograph moving across the frame, with speech.

Used by `reelremix demo` (reelremix/console.py), `python -m bench pipeline` and the end-to-end tests. It
sits beside the CLI whose demo it feeds, in no app: no app's code needs it. The speech is a committed
clip of tests/media/speech/, read by path (the demo runs from a checkout)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from media_jobs.media.ffmpeg import run_ffmpeg

FACE_CROP = (slice(20, 220), slice(140, 320))  # rows, columns of skimage's astronaut: her face and hair


@dataclass(frozen=True)
class FacePath:
    """Where the face is at time t: it crosses the frame left to right, bobbing up and down."""

    width: int
    height: int
    face_w: int
    face_h: int
    duration: float

    def x_expr(self) -> str:
        return f"({self.width}-{self.face_w})*t/{self.duration}"

    def y_expr(self) -> str:
        return f"({self.height}-{self.face_h})/2+{self.height // 6}*sin(2*PI*t/{self.duration})"

    def box(self, t: float) -> tuple[float, float, float, float]:
        """(x1, y1, x2, y2) in pixels at time t, as ffmpeg's overlay places it."""
        import math

        x = (self.width - self.face_w) * t / self.duration
        y = (self.height - self.face_h) / 2 + (self.height // 6) * math.sin(2 * math.pi * t / self.duration)
        return int(x), int(y), int(x) + self.face_w, int(y) + self.face_h


def _face_png(path: Path, scale: float) -> tuple[int, int]:
    import cv2
    from skimage import data

    face = data.astronaut()[FACE_CROP]
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(path), cv2.cvtColor(face, cv2.COLOR_RGB2BGR))
    return face.shape[1], face.shape[0]


def make_face_video(
    out: Path, speech: Path | None, duration: float, size: tuple[int, int] = (1280, 720), fps: int = 30,
    gop: int = 60, preset: str = "veryfast", face_between: tuple[float, float] | None = None,
) -> FacePath:  # fmt: skip
    """H.264/AAC MP4 of the moving face over a gradient background, with `speech` (looped) as sound.
    The face is on screen throughout, or only between the two times of `face_between`."""
    width, height = size
    with tempfile.TemporaryDirectory() as scratch:
        face_png = Path(scratch) / "face.png"
        face_w, face_h = _face_png(face_png, scale=height / 720)
        path = FacePath(width, height, face_w, face_h, duration)
        args = [
            "-f",
            "lavfi",
            "-i",
            f"gradients=s={width}x{height}:rate={fps}:speed=0.02",
            "-loop",
            "1",
            "-i",
            str(face_png),
        ]
        args += (
            ["-stream_loop", "-1", "-i", str(speech)]
            if speech
            else ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono"]
        )
        args += [
            "-filter_complex",
            _overlay(path, face_between),
            "-map",
            "[v]",
            "-map",
            "2:a",
            "-t",
            f"{duration}",
        ]
        args += ["-r", str(fps), "-c:v", "libx264", "-preset", preset, "-g", str(gop), "-pix_fmt", "yuv420p"]
        run_ffmpeg(
            [*args, "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(out)], what="making a sample"
        )
    return path


def _overlay(path: FacePath, between: tuple[float, float] | None) -> str:
    enable = f":enable='between(t,{between[0]},{between[1]})'" if between else ""
    position = f"x='{path.x_expr()}':y='{path.y_expr()}'"
    return f"[0:v]format=yuv420p[bg];[bg][1:v]overlay={position}:shortest=0{enable}[v]"


def join_speech(parts: list[Path], out: Path) -> Path:
    """The speech files one after another, as one FLAC."""
    inputs = [arg for part in parts for arg in ("-i", str(part))]
    streams = "".join(f"[{i}:a]" for i in range(len(parts)))
    graph = f"{streams}concat=n={len(parts)}:v=0:a=1[a]"
    run_ffmpeg(
        [*inputs, "-filter_complex", graph, "-map", "[a]", "-ac", "1", str(out)], what="joining speech"
    )
    return out


def make_talk_video(out: Path, size: tuple[int, int] = (1280, 720), fps: int = 30) -> FacePath:
    """A minute and a quarter of talk, the face crossing the frame: the profane kitchen sentence, then a town
    hall (launch, pricing, hiring, security) and a recipe. What `reelremix demo` moderates and clips."""
    with tempfile.TemporaryDirectory() as scratch:
        speech = join_speech(TALK_PARTS, Path(scratch) / "talk.flac")
        return make_face_video(out, speech, duration=TALK_SECONDS, size=size, fps=fps)


MEDIA = Path(__file__).resolve().parent.parent / "tests" / "media"
# committed, made with espeak-ng (tests/media/speech/make_speech.py): damn, shit, fuck
DEMO_SPEECH = MEDIA / "speech" / "kitchen.flac"
DEMO_SECONDS = 13.0
TALK_PARTS = [DEMO_SPEECH, MEDIA / "search_eval" / "townhall.flac", MEDIA / "search_eval" / "cooking.flac"]
TALK_SECONDS = 68.5  # the three parts: 12.7 + 31.3 + 24.9 s
