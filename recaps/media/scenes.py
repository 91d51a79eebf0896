"""One scene of the recap: its cuts rendered by the clip renderer, then joined by hard cuts into one part.

Each cut goes through clips.media.render.render_clip, so the censor plan, the reframing, the captions and
the loudness are the clips' own. The rendered cuts share size, frame rate and encoder settings, so their
H.264 is joined without re-encoding (the concat demuxer, timestamps restarted at zero: the AAC priming
of the first cut would otherwise shift the pictures by 21 ms). Their sound cannot be copied the same way
(each cut's priming would become a 21 ms gap at every join), so it is decoded and joined by the concat
filter into PCM, in a MOV beside the pictures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clips.media.render import ClipReport, render_clip
from clips.media.types import CaptionWord, ClipSpec
from media_jobs.media.ffmpeg import run_ffmpeg
from recaps.media.timeline import words_for_cut
from recaps.media.types import RecapScene, RecapSpec, Source, source_at

RESTART_TIMESTAMPS = "setts=pts=PTS-STARTPTS:dts=DTS-STARTPTS"


@dataclass(frozen=True)
class RenderedScene:
    path: Path
    cuts: tuple[ClipReport, ...]


def render_scene(
    sources: Sequence[Source],
    spec: RecapSpec,
    scene: RecapScene,
    words: list[CaptionWord],
    out: Path,
    on_progress: Callable[[float], None],
) -> RenderedScene:
    """Write the scene's cuts next to `out` and join them into `out` (a .mov); `words` in scene seconds."""
    reports, paths, done = [], [], 0.0
    for number, cut in enumerate(scene.cuts):
        source = source_at(sources, cut.start)
        clip = ClipSpec(
            cut.start - source.offset,
            cut.end - source.offset,
            spec.width,
            spec.height,
            faces=source.faces,
            words=words_for_cut(words, scene.cuts, number),
            blur=source.blur,
            audio=source.audio,
        )
        path = out.with_name(f"{out.stem}-cut{number}.mp4")

        def cut_progress(fraction: float, before: float = done, share: float = cut.duration) -> None:
            on_progress((before + fraction * share) / scene.duration)

        reports.append(render_clip(source.path, source.info, clip, path, cut_progress))
        paths.append(path)
        done += cut.duration
    join_cuts(paths, out)
    return RenderedScene(out, tuple(reports))


def join_cuts(cuts: list[Path], out: Path) -> Path:
    """Write `out`: the rendered cuts back to back, pictures copied, sound joined as PCM."""
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{_quoted(path)}'\n" for path in cuts), encoding="utf-8")
    sounds = [argument for path in cuts for argument in ("-i", str(path))]
    joined = "".join(f"[{number}:a]" for number in range(1, len(cuts) + 1))
    run_ffmpeg(
        [
            *("-f", "concat", "-safe", "0", "-i", str(listing), *sounds),
            *("-filter_complex", f"{joined}concat=n={len(cuts)}:v=0:a=1[sound]"),
            *("-map", "0:v", "-map", "[sound]", "-c:v", "copy"),
            *(
                "-bsf:v",
                "setts=pts=PTS-STARTPTS:dts=DTS-STARTPTS",
                "-c:a",
                "pcm_f32le",
                "-f",
                "mov",
                str(out),
            ),
        ],
        what="joining a scene's cuts",
    )
    return out


def _quoted(path: Path) -> str:
    """A path for the concat demuxer's list, inside single quotes."""
    return str(path.resolve()).replace("'", "'\\''")
