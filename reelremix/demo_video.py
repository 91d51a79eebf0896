"""The demo and benchmark sample: a real face photograph moving across the frame, with speech.

Used by `reelremix demo` (reelremix/console.py), `python -m bench pipeline` and the end-to-end tests. It
sits beside the CLI whose demo it feeds, in no app: no app's code needs it. The speech is a committed
clip of tests/media/speech/, read by path (the demo runs from a checkout)."""

from __future__ import annotations

import itertools
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
    face_scale: float = 1.0, seed: int = 1,
) -> FacePath:  # fmt: skip
    """H.264/AAC MP4 of the moving face over a gradient background, with `speech` (looped) as sound.
    The face is on screen throughout, or only between the two times of `face_between`; `face_scale` 1 makes
    it 200 pixels tall at 720p (its hair included), and proportionally at other heights. `seed` chooses the
    background (ffmpeg's is random), so a video is the same each time."""
    width, height = size
    with tempfile.TemporaryDirectory() as scratch:
        face_png = Path(scratch) / "face.png"
        face_w, face_h = _face_png(face_png, scale=face_scale * height / 720)
        path = FacePath(width, height, face_w, face_h, duration)
        args = [
            "-f",
            "lavfi",
            "-i",
            _backdrop(seed, width, height, fps, speed=0.02),
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


# The story sample's shots: one backdrop per topic of the talk, so that shot cuts fall where topics change.
STORY_BACKDROPS = [
    ("0x802020", "0xE0A040"), ("0x203080", "0x40C0E0"), ("0x206020", "0xC0E040"), ("0x602080", "0xE040C0"),
    ("0x404040", "0xF0F0F0"), ("0x804000", "0xFFD080"), ("0x004040", "0x40FFC0"), ("0x400000", "0xFF4040"),
    ("0x000040", "0x8080FF"), ("0x303000", "0xFFFF80"),
]  # fmt: skip


@dataclass(frozen=True)
class Topic:
    start: float
    end: float
    text: str


def talk_topics(parts: list[Path] | None = None) -> list[Topic]:
    """What the talk (or `parts`) says and when: each part's topics, the parts one after another."""
    import json

    topics, offset = [], 0.0
    for part in parts or TALK_PARTS:
        facts = json.loads(part.with_suffix(".json").read_text())
        spans = facts.get("topics") or [{"start": 0.0, "end": facts["duration"], "text": facts["text"]}]
        topics += [Topic(offset + t["start"], offset + t["end"], t["text"]) for t in spans]
        offset += facts["duration"]
    return topics


def make_story_video(
    out: Path, size: tuple[int, int] = (1280, 720), fps: int = 30, parts: list[Path] | None = None
) -> list[float]:
    """The talk's speech (or `parts`) over a different backdrop for each of its topics (hard cuts where a
    topic ends, halfway through the pause after it); returns the cut times. What recaps are tested and
    measured on."""
    parts = parts or TALK_PARTS
    topics = talk_topics(parts)
    # On frame boundaries: each backdrop lasts a whole number of frames and the cuts fall exactly here.
    middles = [(before.end + after.start) / 2 for before, after in itertools.pairwise(topics)]
    cuts = [round(round(t * fps) / fps, 4) for t in middles]
    seconds = sum(_speech_seconds(part) for part in parts)
    bounds = [0.0, *cuts, seconds]
    width, height = size
    sources = [
        arg for k in range(len(bounds) - 1) for arg in ("-f", "lavfi", "-i", _backdrop(k, width, height, fps))
    ]
    frames = [round(bounds[k + 1] * fps) - round(bounds[k] * fps) for k in range(len(bounds) - 1)]
    joined = ";".join(f"[{k}:v]trim=end_frame={n},setpts=PTS-STARTPTS[s{k}]" for k, n in enumerate(frames))
    joined += ";" + "".join(f"[s{k}]" for k in range(len(frames)))
    with tempfile.TemporaryDirectory() as scratch:
        speech = join_speech(parts, Path(scratch) / "talk.flac")
        run_ffmpeg(
            [*sources, "-i", str(speech), "-filter_complex", f"{joined}concat=n={len(bounds) - 1}:v=1[v]",
             "-map", "[v]", "-map", f"{len(bounds) - 1}:a", "-t", f"{seconds}", "-r", str(fps),
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k",
             "-movflags", "+faststart", str(out)],
            what="making the story sample",
        )  # fmt: skip
    return cuts


def _speech_seconds(part: Path) -> float:
    import json

    return float(json.loads(part.with_suffix(".json").read_text())["duration"])


def _backdrop(k: int, width: int, height: int, fps: int, speed: float = 0.03) -> str:
    """The k-th backdrop gradient, the same on every run (ffmpeg's default colours and layout are random)."""
    c0, c1 = STORY_BACKDROPS[k % len(STORY_BACKDROPS)]
    return f"gradients=s={width}x{height}:rate={fps}:c0={c0}:c1={c1}:speed={speed}:seed={k}"
