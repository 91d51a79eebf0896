"""Small media files generated with ffmpeg's lavfi sources, so every expected number is known.

Besides good videos, it makes the bad and odd uploads the probe must refuse or cope with: empty,
truncated, mislabelled, corrupted mid-stream, and files whose header lies about duration or size.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.types import MediaProcessingError

H264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25")
# B-frames, reference B-frames (b-pyramid) and fixed GOPs, as in real uploads; qp 1 keeps pixel values
# within a level or two of what the test drew (qp 0, lossless, would turn B-frames off).
H264_EXACT = (
    *("-c:v", "libx264", "-preset", "veryfast", "-qp", "1", "-pix_fmt", "yuv420p"),
    *("-x264-params", "bframes=3:b-adapt=0:b-pyramid=normal:scenecut=0"),
)
MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def make_video(
    path: Path,
    *,
    duration: float = 4.0,
    size: str = "320x240",
    fps: int = 25,
    audio: bool = True,
    tone_hz: int = 440,
    codec_args: tuple[str, ...] = H264,
) -> Path:
    """An MP4 (by default H.264 + AAC) of testsrc2 with a sine tone; keyframe every second at 25 fps."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={duration}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration}"]
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += [*codec_args, "-shortest", str(path)]
    run_ffmpeg(args, what="generating a test video")
    return path


def has_encoder(name: str) -> bool:
    """Whether the bundled ffmpeg can encode one frame with `name` (e.g. libx265)."""
    try:
        run_ffmpeg(
            ["-f", "lavfi", "-i", "color=size=64x64:duration=0.04", "-c:v", name, "-f", "null", "-"],
            what=name,
        )
    except MediaProcessingError:
        return False
    return True


def make_tone(path: Path, *, duration: float = 2.0, tone_hz: int = 440, codec: str = "libmp3lame") -> Path:
    """Audio only: MP3 whatever the suffix says (the default), else `codec` in the suffix's container."""
    source = f"sine=frequency={tone_hz}:sample_rate=44100:duration={duration}"
    container = ["-f", "mp3"] if codec == "libmp3lame" else []
    run_ffmpeg(["-f", "lavfi", "-i", source, "-c:a", codec, *container, str(path)], what="generating a tone")
    return path


def make_color_video(
    path: Path, colors: Sequence[str], *, seconds_each: float = 1.0, fps: int = 25, gop: int = 25
) -> Path:
    """Flat colours one after another, each lasting `seconds_each`, at 64x48 with no audio."""
    sources = [f"color=c={c}:size=64x48:rate={fps}:duration={seconds_each}" for c in colors]
    concat = "".join(f"[{i}]" for i in range(len(colors))) + f"concat=n={len(colors)}:v=1:a=0"
    args = [a for source in sources for a in ("-f", "lavfi", "-i", source)]
    args += ["-filter_complex", concat, *H264_EXACT, "-g", str(gop), str(path)]
    run_ffmpeg(args, what="generating a colour test video")
    return path


def make_counter_video(path: Path, *, duration: float = 4.0, fps: int = 25, gop: int = 250) -> Path:
    """Grey frames whose luma is 16 + 8 * (frame number mod 25): the picture tells its own frame number."""
    source = f"color=c=black:size=64x48:rate={fps}:duration={duration}"
    luma = "geq=lum='16+8*mod(N,25)':cb=128:cr=128"
    args = ["-f", "lavfi", "-i", source, "-vf", luma, *H264_EXACT, "-g", str(gop), str(path)]
    run_ffmpeg(args, what="generating a frame-counter video")
    return path


def make_marked_video(path: Path, *, rotation: int = 0, duration: float = 2.0, size: str = "320x240") -> Path:
    """Black frames with a white square in the coded picture's top-left corner, shown turned `rotation`
    degrees counterclockwise, as the display matrix counts (a phone held upright records 270)."""
    width, height = (int(side) for side in size.split("x"))
    marker = f"drawbox=x=0:y=0:w={width // 4}:h={height // 4}:color=white:t=fill"
    coded = path.with_suffix(".coded.mp4")
    source = f"color=c=black:size={size}:rate=25:duration={duration}"
    run_ffmpeg(
        ["-f", "lavfi", "-i", source, "-vf", marker, *H264, str(coded)], what="generating a marked video"
    )
    rotate = ["-display_rotation:v:0", str(rotation), "-i", str(coded), "-c", "copy", str(path)]
    run_ffmpeg(rotate, what="tagging the video's rotation")
    coded.unlink()
    return path


def make_vfr_video(path: Path) -> Path:
    """Variable frame rate: 10 fps over [0, 1), nothing until 2.2 s, then 2 fps until 4.2 s (15 frames)."""
    source = "testsrc2=size=160x120:rate=10:duration=1.5"
    times = "if(lt(N,10),N*0.1,2.2+(N-10)*0.5)"
    args = ["-f", "lavfi", "-i", source, "-vf", f"setpts='{times}/TB'", "-fps_mode", "passthrough"]
    run_ffmpeg([*args, *H264, "-video_track_timescale", "1000", str(path)], what="generating a VFR video")
    return path


def make_odd_video(path: Path, *, size: str = "321x241", duration: float = 2.0) -> Path:
    """Odd width and height (H.264 4:4:4, since 4:2:0 needs even sides)."""
    source = f"testsrc=size={size}:rate=25:duration={duration}"
    codec = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p")
    run_ffmpeg(["-f", "lavfi", "-i", source, *codec, str(path)], what="generating an odd-sized video")
    return path


def make_hevc10_video(path: Path, *, color: str = "red", duration: float = 2.0) -> Path:
    """10-bit HEVC (yuv420p10le) of a flat colour at 25 fps, keyframe every second."""
    source = f"color=c={color}:size=320x240:rate=25:duration={duration}"
    codec = ("-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-g", "25")
    args = ["-f", "lavfi", "-i", source, *codec, "-x265-params", "log-level=error", str(path)]
    run_ffmpeg(args, what="generating a 10-bit HEVC video")
    return path


def make_multi_audio_video(
    path: Path, *, tones_hz: Sequence[int] = (440, 1000), default_track: int = 1, duration: float = 2.0
) -> Path:
    """A video with one audio track per tone; only `default_track` carries the default flag."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=25:duration={duration}"]
    for tone in tones_hz:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000:duration={duration}"]
    args += [a for i in range(len(tones_hz) + 1) for a in ("-map", str(i))]
    for track in range(len(tones_hz)):
        args += [f"-disposition:a:{track}", "default" if track == default_track else "0"]
    run_ffmpeg([*args, *H264, "-c:a", "aac", str(path)], what="generating a multi-audio video")
    return path


def make_late_audio_video(
    path: Path, *, delay: float = 0.5, duration: float = 4.0, tone_hz: int = 440
) -> Path:
    """Video over [0, duration) whose tone starts `delay` seconds in (the track is shifted, not padded)."""
    video = f"testsrc2=size=160x120:rate=25:duration={duration}"
    tone = f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration - delay}"
    args = ["-f", "lavfi", "-i", video, "-itsoffset", str(delay), "-f", "lavfi", "-i", tone]
    run_ffmpeg([*args, *H264, "-c:a", "aac", str(path)], what="generating a video with late audio")
    return path


def make_raw_mov(path: Path, *, size: str = "64x48") -> Path:
    """Uncompressed RGB in QuickTime: the picture size lives only in the header (stsd)."""
    source = f"testsrc2=size={size}:rate=5:duration=1"
    args = ["-f", "lavfi", "-i", source, "-c:v", "rawvideo", "-pix_fmt", "rgb24", str(path)]
    run_ffmpeg(args, what="generating a raw QuickTime video")
    return path


def make_still_picture(path: Path, *, codec: str = "png") -> Path:
    """One picture (PNG by default), whatever the suffix says."""
    args = ["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-f", "image2", "-c:v", codec]
    run_ffmpeg([*args, "-update", "1", str(path)], what="generating a still picture")
    return path


def make_pdf(path: Path) -> Path:
    """A tiny but valid-looking PDF, as if a document had been renamed .mp4."""
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path


def truncate_file(source: Path, target: Path, *, keep: float = 0.5) -> Path:
    """The first `keep` fraction of `source`, as an upload cut off half-way."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def corrupt_middle(source: Path, target: Path, *, length: int = 4000) -> Path:
    """`source` with `length` bytes of its middle overwritten by 0xFF."""
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle : middle + length] = b"\xff" * length
    target.write_bytes(bytes(data))
    return target


def blank_media_data(source: Path, target: Path) -> Path:
    """`source` (an MP4) with every byte of its media data zeroed: headers intact, nothing decodable."""
    data = bytearray(source.read_bytes())
    mdat = find_mp4_box(data, [b"mdat"])
    size = struct.unpack_from(">I", data, mdat)[0]
    data[mdat + 8 : mdat + size] = bytes(size - 8)
    target.write_bytes(bytes(data))
    return target


def patch_mp4_duration(source: Path, target: Path, *, seconds: float) -> Path:
    """`source` (an MP4, one video track, version-0 boxes) whose header claims it lasts `seconds`.

    FFmpeg takes the shortest of the movie, media, edit-list and sample-table durations, so all four lie.
    """
    data = bytearray(source.read_bytes())
    media = [b"moov", b"trak", b"mdia"]
    stts = find_mp4_box(data, [*media, b"minf", b"stbl", b"stts"])
    if _u32(data, stts + 12) != 1:
        raise ValueError("patch_mp4_duration needs a constant frame rate (one stts entry)")
    movie_ticks = seconds * _u32(data, find_mp4_box(data, [b"moov", b"mvhd"]) + 20)
    media_ticks = seconds * _u32(data, find_mp4_box(data, [*media, b"mdhd"]) + 20)
    fields = [  # box, offset of its 32-bit duration field, new value
        ([b"moov", b"mvhd"], 24, movie_ticks),
        ([*media, b"mdhd"], 24, media_ticks),
        ([b"moov", b"trak", b"edts", b"elst"], 16, movie_ticks),
        ([*media, b"minf", b"stbl", b"stts"], 20, media_ticks / _u32(data, stts + 16)),  # per frame
    ]
    for box, offset, value in fields:
        struct.pack_into(">I", data, find_mp4_box(data, box) + offset, round(value))
    target.write_bytes(bytes(data))
    return target


def patch_mov_picture_size(source: Path, target: Path, *, width: int, height: int) -> Path:
    """`source` (from make_raw_mov) whose sample description claims a `width` x `height` picture."""
    data = bytearray(source.read_bytes())
    stsd = find_mp4_box(data, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"])
    # stsd: header 8, version/flags 4, entry count 4; the visual sample entry keeps width/height at 32.
    struct.pack_into(">HH", data, stsd + 16 + 32, width, height)
    target.write_bytes(bytes(data))
    return target


def find_mp4_box(
    data: bytes | bytearray, path: Sequence[bytes], start: int = 0, end: int | None = None
) -> int:
    """Offset of the first box along `path` (e.g. [b"moov", b"mvhd"]) in an MP4/QuickTime file."""
    end = len(data) if end is None else end
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, position)
        # size 0: the box runs to the end; size 1: a 64-bit size follows the type
        size = {0: end - position, 1: struct.unpack_from(">Q", data, position + 8)[0]}.get(size, size)
        if kind == path[0]:
            if len(path) == 1:
                return position
            if kind in MP4_CONTAINERS:
                return find_mp4_box(data, path[1:], position + 8, position + size)
        position += size
    raise KeyError(f"no {path[0]!r} box")


def _u32(data: bytearray, offset: int) -> int:
    return int(struct.unpack_from(">I", data, offset)[0])
