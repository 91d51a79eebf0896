"""Title cards: a line of text centred on a dark background for CARD_SECONDS, silent, drawn by libass.

A card is written like a rendered scene (H.264 at the clips' preset, PCM audio in a MOV) at the
recap's size and frame rate, so the compilation joins it like any other part. Its length is a whole
number of frames; the text wraps inside the side margins and is sized from the picture's height, in
the captions' font.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from clips.media.captions import FONT, TEXT_COLOUR, escape
from clips.media.clip_audio import CHANNELS, RATE
from clips.media.encoder import CLIP_CRF, CLIP_X264_PRESET, ass_filter
from media_jobs.media.ffmpeg import run_ffmpeg
from recaps.media.types import CARD_SECONDS

BACKGROUND = "0x141418"  # near black, a touch of blue
TITLE_SIZE = 0.09  # of the picture's height
SIDE_MARGIN = 0.08  # of the picture's width


def card_frames(fps: Fraction | int) -> int:
    """A card's length in frames: CARD_SECONDS, rounded up to a whole frame."""
    return math.ceil(CARD_SECONDS * fps - 1e-9)


def render_card(text: str, size: tuple[int, int], fps: Fraction, out: Path) -> Path:
    """Write `out` (a .mov): `text` centred on a dark background, card_frames(fps) frames long."""
    width, height = size
    title = write_title(text, width, height, out.with_suffix(".ass"))
    seconds = f"{card_frames(fps) / float(fps):.6f}"
    background = f"color=c={BACKGROUND}:s={width}x{height}:r={fps}"
    encode = ["-c:v", "libx264", "-preset", CLIP_X264_PRESET, "-crf", CLIP_CRF, "-pix_fmt", "yuv420p"]
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", background, "-f", "lavfi", "-i", f"anullsrc=r={RATE}:cl=stereo"),
            *("-vf", ass_filter(title), "-frames:v", str(card_frames(fps)), *encode),
            *("-c:a", "pcm_f32le", "-ac", str(CHANNELS), "-t", seconds, "-f", "mov", str(out)),
        ],
        what="drawing a title card",
    )
    return out


def write_title(text: str, width: int, height: int, out: Path) -> Path:
    """An ASS file showing `text` in the middle of a width x height picture for the card's length."""
    font_size, margin = round(TITLE_SIZE * height), round(SIDE_MARGIN * width)
    outline = max(1, round(font_size * 0.04))
    lines = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",  # wrap into lines of about equal length
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, OutlineColour, Bold, BorderStyle, Outline, "
        "Alignment, MarginL, MarginR, MarginV",
        f"Style: Title,{FONT},{font_size},{TEXT_COLOUR},&H00000000,-1,1,{outline},5,{margin},{margin},0",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Text",
        f"Dialogue: 0,0:00:00.00,0:01:00.00,Title,{escape(' '.join(text.split()))}",
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
