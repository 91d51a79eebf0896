"""The upscaled chunks joined into one file, with the source's audio streams copied untouched (no
decode, no encode: the packets are the source's)."""

from __future__ import annotations

from pathlib import Path

from media_jobs.media.ffmpeg import run_ffmpeg

# Audio codecs an MP4 holds; any other (PCM, Vorbis...) is copied into Matroska instead.
MP4_AUDIO = frozenset({"", "aac", "mp3", "ac3", "eac3", "alac", "opus", "flac"})


def output_suffix(audio_codec: str) -> str:
    return ".mp4" if audio_codec in MP4_AUDIO else ".mkv"


def assemble(chunks: list[Path], source: Path, out: Path) -> None:
    """`out` (.mp4 or .mkv): the chunks' video in order, and every audio stream of `source` as it is."""
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{chunk.resolve()}'\n" for chunk in chunks))
    faststart = ["-movflags", "+faststart"] if out.suffix == ".mp4" else []
    run_ffmpeg(
        [
            *("-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(source)),
            *("-map", "0:v:0", "-map", "1:a?", "-c", "copy", *faststart, str(out)),
        ],
        what="joining the upscaled chunks",
    )
