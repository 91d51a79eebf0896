"""Small media files generated with ffmpeg's lavfi sources, so every expected number is known."""

from __future__ import annotations

from pathlib import Path

from media_jobs.media.ffmpeg import run_ffmpeg

H264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25")


def make_video(
    path: Path,
    *,
    duration: float = 4.0,
    size: str = "320x240",
    fps: int = 25,
    audio: bool = True,
    tone_hz: int = 440,
    codec_args: tuple[str, ...] = (
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "25",
    ),
) -> Path:
    """An MP4 (by default H.264 + AAC) of testsrc2 with a sine tone; keyframe every second at 25 fps."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={duration}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration}"]
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += [*codec_args, "-shortest", str(path)]
    run_ffmpeg(args, what="generating a test video")
    return path
