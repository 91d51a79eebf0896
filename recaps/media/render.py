"""Rendering a recap: the script's scenes over source footage, captioned or narrated, as an H.264/AAC MP4.

Three steps, each reusing the clips' renderers. Every cut of every scene is rendered by render_clip
(censored, reframed, normalised; a scene without narration gets its caption burned in word by word,
spread over the time it has before the next scene fades in) and the cuts of a scene are joined by hard
cuts (scenes.py). The scenes, with the optional intro and outro title cards (cards.py), are then joined
by clips.media.compile's crossfades and normalised to -14 LUFS. With narration, the joined recap's sound
is ducked under each scene's narration span, placed where the scene starts (voiceover.py), and the
pictures are copied. The output is written under a temporary name and renamed once complete.

The pictures are encoded twice (each cut, then the join): the xfade join must re-encode, and encoding the
cuts is how render_clip delivers them; both passes use the clips' ultrafast preset. Measured on the 2-core
machine while others' work shared it: a 29 s recap at 1280x720 30 fps (6 scenes of 2 cuts, captions) took
16.4-23.1 s, of which 9.4 s rendering the cuts and 6.8 s the crossfaded join, where a plain veryfast
re-encode of 30 s of the same source took 11.8-15.3 s in the same runs; narrated, with two title cards
(33 s), 18.2-21.9 s. Re-encoding only the crossfades and copying the rest would save most of the join.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Protocol

from clips.media.compile import render_compilation
from clips.media.render import ClipReport
from clips.media.types import CaptionWord
from media_jobs.media.probe import probe_media
from media_jobs.media.types import AudioCensor, BlurTrack, MediaProcessingError
from recaps.media.cards import render_card
from recaps.media.narration import RATE as ANALYSIS_RATE
from recaps.media.narration import decode_mono
from recaps.media.scenes import RenderedScene, render_scene
from recaps.media.timeline import (
    Placement,
    caption_words,
    crossfade_for,
    part_starts,
    placements,
    union_seconds,
)
from recaps.media.types import NarrationRefused, RecapReport, RecapScene, RecapSpec, Source, source_at
from recaps.media.voiceover import narrate


class SceneStore(Protocol):
    """Where rendered scenes are kept while a recap renders, so that a try after a crash renders only the
    scenes still missing. Keys name everything a scene's pixels and sound depend on (scene_key)."""

    def fetch(self, key: str, to: Path) -> tuple[ClipReport, ...] | None:
        """Write the kept scene to `to` and give its cuts' reports; None when none is kept."""

    def keep(self, key: str, scene: RenderedScene) -> None: ...


def scene_key(sources: Sequence[Source], spec: RecapSpec, scene: RecapScene, words: list[CaptionWord]) -> str:
    """A digest of what one rendered scene is made of: its cuts, words, size, and the faces and censoring
    within its cuts (frozen dataclasses: their reprs are stable)."""
    made_of: list[object] = [SCENE_FORMAT, words, spec.width, spec.height]
    for cut in scene.cuts:
        source = source_at(sources, cut.start)
        start, end = cut.start - source.offset, cut.end - source.offset
        spans: list[BlurTrack | AudioCensor] = [*source.blur, *source.audio]
        inside = [item for item in spans if item.start < end and item.end > start]
        faces = [face for face in source.faces if start - 2 <= face.t <= end + 2]
        made_of.append((sources.index(source), start, end, inside, faces))
    return hashlib.sha256(repr(made_of).encode()).hexdigest()[:32]


SCENE_FORMAT = 1  # raised when how a scene renders changes: scenes kept by older renders are not reused
CUTS_SHARE = 0.8  # of the progress bar: rendering the cuts; the join and the narration share the rest
SPAN_TOLERANCE = 0.05  # seconds a narration span may reach past the file's end (rounding in the script)


class _Progress:
    """Reports 0..1 through on_progress, never going back, 1.0 only when told the render is complete."""

    def __init__(self, on_progress: Callable[[float], None] | None) -> None:
        self.on_progress, self.reached = on_progress, 0.0

    def between(self, low: float, high: float) -> Callable[[float], None]:
        return lambda fraction: self.report(low + (high - low) * min(max(fraction, 0.0), 1.0), final=False)

    def report(self, fraction: float, *, final: bool) -> None:
        fraction = fraction if final else min(fraction, 0.99)
        if self.on_progress is not None and fraction > self.reached:
            self.reached = fraction
            self.on_progress(fraction)


def render_recap(
    sources: Sequence[Source],
    spec: RecapSpec,
    narration: Path | None,
    out: Path,
    on_progress: Callable[[float], None] | None = None,
    store: SceneStore | None = None,
) -> RecapReport:
    """Write `out`: the recap `spec` describes, cut from `sources` (one video, or several played one after
    another as one footage timeline: each cut lies within one), narrated by `narration` if given.

    A scene with a narration span (and a narration file) is narrated; any other scene shows its caption
    over the source sound. Refuses an unusable narration (NarrationRefused) before rendering anything.
    With a `store`, each scene is kept as it is rendered and a scene kept by an earlier try is reused."""
    _check(sources, spec)
    voice = narration if any(scene.narration is not None for scene in spec.scenes) else None
    if voice is not None:
        _check_narration(voice, spec)
    began, progress = time.monotonic(), _Progress(on_progress)
    partial = out.with_name(f".{out.name}.part")
    try:
        with tempfile.TemporaryDirectory(prefix="recap-") as scratch:
            assembly = _assemble(sources, spec, voice, partial, Path(scratch), progress, store)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    progress.report(1.0, final=True)
    report = _report(spec, assembly, probe_media(out).duration, time.monotonic() - began)
    return replace(report, reused_scenes=assembly.reused)


@dataclass(frozen=True)
class _Assembly:
    scenes: list[RenderedScene]
    durations: list[float]  # of every part, cards included, as rendered
    fade: float
    spans: list[Placement | None]  # each scene's narration; empty without narration
    reused: int = 0  # scenes taken from the store


def _assemble(
    sources: Sequence[Source],
    spec: RecapSpec,
    voice: Path | None,
    out: Path,
    scratch: Path,
    progress: _Progress,
    store: SceneStore | None,
) -> _Assembly:
    """Write `out`: the scenes rendered, joined with the cards, the narration mixed in."""
    scenes, reused = _render_scenes(
        sources, spec, voice is not None, scratch, progress.between(0.0, CUTS_SHARE), store
    )
    fps = Fraction(sources[0].info.fps)
    parts = _with_cards(spec, [scene.path for scene in scenes], fps, scratch)
    durations = [probe_media(part).duration for part in parts]
    fade = crossfade_for(durations, spec.crossfade)
    joining = progress.between(CUTS_SHARE, 1.0 if voice is None else 0.97)
    joined = out if voice is None else scratch / "joined.mp4"
    render_compilation(parts, joined, spec.width, spec.height, fade, on_progress=joining)
    if voice is None:
        return _Assembly(scenes, durations, fade, [], reused)
    spans = _placements(spec, durations, fade)
    narrate(joined, voice, [span for span in spans if span is not None], out, scratch)
    return _Assembly(scenes, durations, fade, spans, reused)


def _check(sources: Sequence[Source], spec: RecapSpec) -> None:
    if not sources or any(not source.info.has_video or source.info.fps <= 0 for source in sources):
        raise MediaProcessingError("every source of a recap needs playable video to cut from")
    fps = sources[0].info.fps
    if any(abs(source.info.fps - fps) > 0.01 for source in sources):  # a scene's cuts are joined as they are
        rates = ", ".join(f"{source.info.fps:g}" for source in sources)
        raise MediaProcessingError(f"the videos of one recap must share their frame rate (got {rates} fps)")
    if not spec.scenes or any(not scene.cuts for scene in spec.scenes):
        raise MediaProcessingError("a recap needs at least one scene, and every scene at least one cut")
    for cut in (cut for scene in spec.scenes for cut in scene.cuts):
        source = source_at(sources, cut.start)
        if cut.start < source.offset - 1e-6 or cut.duration <= 0 or cut.end > source.end + 1 / fps:
            raise MediaProcessingError(
                f"the cut [{cut.start}, {cut.end}] is empty or not within one source "
                f"({source.offset:.2f}-{source.end:.2f} s)"
            )
    parts = len(spec.scenes) + bool(spec.intro.strip()) + bool(spec.outro.strip())
    if parts > 1 and spec.crossfade < 1 / fps:  # xfade over no time drops the part after it
        raise MediaProcessingError(f"the crossfade {spec.crossfade} s is shorter than a frame")


def _check_narration(narration: Path, spec: RecapSpec) -> None:
    """Refuse a narration file that is not audio, or spans that are not in it."""
    seconds = len(decode_mono(narration)) / ANALYSIS_RATE
    for scene in spec.scenes:
        if scene.narration is None:
            continue
        start, end = scene.narration
        if not 0 <= start < end <= seconds + SPAN_TOLERANCE:
            raise NarrationRefused(
                f"The narration span [{start:.2f}, {end:.2f}] s is not within the narration ({seconds:.2f} s)"
            )


def _render_scenes(
    sources: Sequence[Source],
    spec: RecapSpec,
    voiced: bool,
    scratch: Path,
    on_progress: Callable[[float], None],
    store: SceneStore | None,
) -> tuple[list[RenderedScene], int]:
    """Each scene rendered and joined into one part, its caption burned in unless narrated (or taken from
    the store, kept there by an earlier try); and how many came from the store."""
    total, done, rendered, reused = sum(scene.duration for scene in spec.scenes), 0.0, [], 0
    for index, scene in enumerate(spec.scenes):
        narrated = voiced and scene.narration is not None
        words = [] if narrated else caption_words(scene.caption, _caption_seconds(spec, index))

        def scene_progress(fraction: float, before: float = done, share: float = scene.duration) -> None:
            on_progress((before + fraction * share) / total)

        out = scratch / f"scene{index}.mov"
        key = scene_key(sources, spec, scene, words)
        kept = store.fetch(key, out) if store is not None else None
        if kept is not None:
            rendered.append(RenderedScene(out, kept))
            reused += 1
        else:
            rendered.append(render_scene(sources, spec, scene, words, out, scene_progress))
            if store is not None:
                store.keep(key, rendered[-1])
        done += scene.duration
        on_progress(done / total)
    return rendered, reused


def _caption_seconds(spec: RecapSpec, index: int) -> float:
    """How long scene `index` shows its caption: until the next part starts fading in."""
    fade = crossfade_for([scene.duration for scene in spec.scenes], spec.crossfade)
    followed = index + 1 < len(spec.scenes) or bool(spec.outro.strip())
    return spec.scenes[index].duration - (fade if followed else 0.0)


def _with_cards(spec: RecapSpec, scenes: list[Path], fps: Fraction, scratch: Path) -> list[Path]:
    """The parts to join: the intro card, the scenes, the outro card (cards only where there is text)."""
    fps = fps.limit_denominator(1001)  # as render_clip encodes the cuts
    size = (spec.width, spec.height)
    intro = [render_card(spec.intro, size, fps, scratch / "intro.mov")] if spec.intro.strip() else []
    outro = [render_card(spec.outro, size, fps, scratch / "outro.mov")] if spec.outro.strip() else []
    return [*intro, *scenes, *outro]


def _placements(spec: RecapSpec, durations: list[float], fade: float) -> list[Placement | None]:
    """Each scene's narration span at the scene's rendered start."""
    first = 1 if spec.intro.strip() else 0
    scenes = slice(first, first + len(spec.scenes))
    fades = [fade] * (len(durations) - 1) + [0.0]  # every part but the last fades into the next
    return placements(spec.scenes, part_starts(durations, fade)[scenes], durations[scenes], fades[scenes])


def _report(spec: RecapSpec, assembly: _Assembly, duration: float, seconds: float) -> RecapReport:
    cuts = [cut for scene in spec.scenes for cut in scene.cuts]
    placed = [span for span in assembly.spans if span is not None]
    narrated = [span is not None for span in assembly.spans] or [False] * len(spec.scenes)
    return RecapReport(
        duration=round(duration, 4),
        width=spec.width,
        height=spec.height,
        scenes=len(spec.scenes),
        cuts=len(cuts),
        cards=len(assembly.durations) - len(spec.scenes),
        longest_cut=round(max(cut.duration for cut in cuts), 3),
        source_seconds=round(union_seconds(cuts), 3),
        crossfade=round(assembly.fade, 4),
        narration_seconds=round(sum(span.length for span in placed), 3),
        narration_cut=round(sum(max(span.end - span.start - span.room, 0.0) for span in placed), 3),
        captioned_scenes=sum(map(_captioned, spec.scenes, narrated)),
        blurred_frames=sum(report.blurred_frames for scene in assembly.scenes for report in scene.cuts),
        seconds=round(seconds, 3),
    )


def _captioned(scene: RecapScene, narrated: bool) -> bool:
    return bool(scene.caption.strip()) and not narrated
