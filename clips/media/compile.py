"""A compilation: rendered clips joined with crossfades, over optional background music, normalised.

Two ffmpeg passes. The first builds only the audio (each part's sound, or silence for a part without
any, joined by acrossfade; the music looped to length, brought to MUSIC_LUFS, ducked under the speech by
sidechaincompress keyed on the speech, faded out at the end) into a raw file, which is measured and
normalised like a clip's (loudness.normalising_filter). The second joins the pictures with xfade, each
part first scaled (letterboxed if its aspect differs) to the output size and frame rate, and encodes them
with the normalised audio. Every crossfade overlaps two parts, so the result lasts the sum of the parts
less one crossfade per join.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from clips.media.clip_audio import CHANNELS, RATE, RAW_FORMAT
from clips.media.encoder import AUDIO_BIT_RATE, CLIP_CRF, CLIP_X264_PRESET
from clips.media.loudness import measure_loudness, normalising_filter
from clips.media.types import TARGET_LUFS
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.probe import probe_media
from media_jobs.media.types import MediaInfo, MediaProcessingError

MUSIC_LUFS = -26.0  # the music's loudness before ducking: a bed well under the speech's -14
MUSIC_FADE_OUT = 2.0  # seconds
DUCKING = "threshold=0.02:ratio=8:attack=20:release=400:makeup=1"  # about -15 dB under speech
AUDIO_FORMAT = f"aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"


def render_compilation(
    parts: Sequence[Path],
    out: Path,
    width: int,
    height: int,
    crossfade: float = 0.5,
    music: Path | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> float:
    """Write `out`: the parts one after another, crossfaded, with `music` under them; return its duration."""
    if not parts:
        raise MediaProcessingError("a compilation needs at least one clip")
    infos = [probe_media(part) for part in parts]
    fade = min(crossfade, *(info.duration / 2 for info in infos)) if len(parts) > 1 else 0.0
    total = sum(info.duration for info in infos) - fade * (len(parts) - 1)
    partial = out.with_name(f".{out.name}.part")
    try:
        with tempfile.TemporaryDirectory(prefix="compilation-") as scratch:
            mix = Path(scratch) / "mix.f32"
            _mix_audio(parts, infos, fade, total, music, mix)
            _report(on_progress, 0.2)
            _, gain = normalising_filter([*RAW_FORMAT, "-i", str(mix)], TARGET_LUFS)
            _join_video(parts, infos, fade, (width, height), [*RAW_FORMAT, "-i", str(mix)], gain, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    _report(on_progress, 1.0)
    return total


def _report(on_progress: Callable[[float], None] | None, fraction: float) -> None:
    if on_progress is not None:
        on_progress(fraction)


def _mix_audio(
    parts: Sequence[Path], infos: list[MediaInfo], fade: float, total: float, music: Path | None, out: Path
) -> None:
    inputs = [argument for part in parts for argument in ("-i", str(part))]
    graph = [_part_audio(index, info) for index, info in enumerate(infos)]
    graph += _chain([f"a{index}" for index in range(len(parts))], "speech", _acrossfade(fade), "anull")
    if music is not None:
        inputs += ["-stream_loop", "-1", "-i", str(music)]
        graph += _music(len(parts), total, measure_loudness(["-t", "60", "-i", str(music)]).integrated)
    mixed = "mix" if music is not None else "speech"
    arguments = [*inputs, "-filter_complex", ";".join(graph), "-map", f"[{mixed}]", *RAW_FORMAT]
    run_ffmpeg(
        [*arguments, "-t", f"{total:.6f}", str(out)],
        what="mixing the compilation's audio",
    )


def _part_audio(index: int, info: MediaInfo) -> str:
    """A part's sound at the mix's format and exactly the part's length (silence when it has none)."""
    length = f"atrim=0:{info.duration:.6f}"
    if info.has_audio:
        return f"[{index}:a]{AUDIO_FORMAT},apad,{length}[a{index}]"
    return f"anullsrc=r={RATE}:cl=stereo,{length}[a{index}]"


def _acrossfade(fade: float) -> Callable[[str, str, str], str]:
    return lambda first, second, joined: f"[{first}][{second}]acrossfade=d={fade:.6f}:c1=tri:c2=tri[{joined}]"


def _chain(labels: list[str], result: str, join: Callable[[str, str, str], str], copy: str) -> list[str]:
    """Filters that join the labelled streams pairwise, left to right, into `result` (`copy`: one part)."""
    if len(labels) == 1:
        return [f"[{labels[0]}]{copy}[{result}]"]
    steps, joined = [], labels[0]
    for step, label in enumerate(labels[1:], start=1):
        target = result if step == len(labels) - 1 else f"{result}{step}"
        steps.append(join(joined, label, target))
        joined = target
    return steps


def _music(index: int, total: float, loudness: float) -> list[str]:
    """The music looped to the compilation's length, levelled, ducked under the speech, faded out."""
    level = MUSIC_LUFS - loudness if loudness > -70 else 0.0
    fade_start = max(total - MUSIC_FADE_OUT, 0.0)
    bed = f"[{index}:a]{AUDIO_FORMAT},atrim=0:{total:.6f},volume={level:.2f}dB"
    bed += f",afade=t=out:st={fade_start:.6f}:d={min(MUSIC_FADE_OUT, total):.6f}[bed]"
    return [
        bed,
        "[speech]asplit=2[voice][key]",
        f"[bed][key]sidechaincompress={DUCKING}[ducked]",
        "[voice][ducked]amix=inputs=2:duration=first:normalize=0[mix]",
    ]


def _join_video(
    parts: Sequence[Path],
    infos: list[MediaInfo],
    fade: float,
    size: tuple[int, int],
    audio_input: list[str],
    gain: str,
    out: Path,
) -> None:
    graph = [*_video_graph(infos, fade, size), f"[{len(parts)}:a]{gain},aresample={RATE}[audio]"]
    inputs = [argument for part in parts for argument in ("-i", str(part))] + audio_input
    encode = ["-c:v", "libx264", "-preset", CLIP_X264_PRESET, "-crf", CLIP_CRF, "-pix_fmt", "yuv420p"]
    encode += ["-c:a", "aac", "-b:a", AUDIO_BIT_RATE, "-ar", str(RATE), "-ac", str(CHANNELS)]
    encode += ["-map", "[video]", "-map", "[audio]", "-movflags", "+faststart", "-f", "mp4"]
    run_ffmpeg(
        [*inputs, "-filter_complex", ";".join(graph), *encode, str(out)], what="joining the compilation"
    )


def _video_graph(infos: list[MediaInfo], fade: float, size: tuple[int, int]) -> list[str]:
    """Each part fitted to the output size and rate, then the parts joined by xfade into [video]."""
    width, height = size
    fps = infos[0].fps or 30.0
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:-1:-1"
    graph = [
        f"[{i}:v]{fit},setsar=1,fps={fps:.6f},format=yuv420p,settb=AVTB[v{i}]" for i in range(len(infos))
    ]
    offsets = _offsets(infos, fade)

    def xfade(first: str, second: str, joined: str) -> str:
        offset = offsets[int(second[1:])]  # labels are v<index>: when that part comes in
        return f"[{first}][{second}]xfade=transition=fade:duration={fade:.6f}:offset={offset:.6f}[{joined}]"

    return graph + _chain([f"v{index}" for index in range(len(infos))], "video", xfade, "null")


def _offsets(infos: list[MediaInfo], fade: float) -> list[float]:
    """When each part starts in the joined video (xfade's offset for the join that brings it in)."""
    starts, elapsed = [], 0.0
    for info in infos:
        starts.append(elapsed)
        elapsed += info.duration - fade
    return starts
