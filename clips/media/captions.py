"""Word-by-word captions as an ASS file for libass: short lines, the word being spoken in yellow.

Words are grouped into lines of a few words (at most MAX_LINE_CHARS characters), breaking after a
sentence ends or at a pause. Each word of a line gets one event, from its own timestamp to the next
word's, showing the whole line with that word highlighted; the last word lingers briefly. Sizes and
margins are fractions of the output (PlayRes is the output size), so 9:16, 1:1 and 16:9 look alike:
bold sans with a thick outline, centred, lifted clear of the platforms' overlays (for 9:16 the bottom
20 %, where captions and buttons sit, and the top 15 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clips.media.types import CaptionWord, ClipSpec

MAX_LINE_CHARS = 24
MAX_LINE_WORDS = 4
PAUSE = 0.45  # seconds of silence between two words that start a new line
LINGER = 0.6  # seconds a line stays after its last word ends, unless the next line starts sooner
FONT = "DejaVu Sans"
HIGHLIGHT = "&H0000FFFF&"  # yellow (ASS colours are &HAABBGGRR)
TEXT_COLOUR = "&H00FFFFFF"
OUTLINE_COLOUR = "&H00000000"
SENTENCE_ENDS = (".", "!", "?", "…")


@dataclass(frozen=True)
class CaptionEvent:
    start: float  # seconds from the clip's start
    end: float
    text: str  # ASS text with override tags


@dataclass(frozen=True)
class CaptionStyle:
    font_size: int
    outline: int
    margin_side: int
    margin_bottom: int  # from the bottom edge to the text's baseline area


def caption_style(width: int, height: int) -> CaptionStyle:
    """Size and place of the captions for an output size (tall, square or wide)."""
    font_size = round(min(0.055 * height, 0.065 * width))
    if height > 1.2 * width:
        bottom = 0.28  # 9:16: above the bottom 20 % of overlays, in the lower-middle third
    elif width > 1.2 * height:
        bottom = 0.09
    else:
        bottom = 0.14
    return CaptionStyle(
        font_size, max(2, round(font_size * 0.1)), round(0.07 * width), round(bottom * height)
    )


def escape(text: str) -> str:
    """Text libass shows as it is: a backslash never starts a tag, braces never open an override block."""
    # libass reads \N, \n, \h, \{ and \} as escapes: a word joiner after each backslash breaks them up.
    return text.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")


def group_lines(words: Sequence[CaptionWord]) -> list[list[CaptionWord]]:
    """Words in lines of a few words, broken at sentence ends, pauses and MAX_LINE_CHARS."""
    lines: list[list[CaptionWord]] = []
    for word in words:
        line = lines[-1] if lines else None
        if line is None or _breaks(line, word):
            lines.append([word])
        else:
            line.append(word)
    return lines


def _breaks(line: list[CaptionWord], word: CaptionWord) -> bool:
    length = sum(len(w.text) for w in line) + len(line) + len(word.text)
    previous = line[-1]
    return (
        length > MAX_LINE_CHARS
        or len(line) >= MAX_LINE_WORDS
        or previous.text.endswith(SENTENCE_ENDS)
        or word.start - previous.end > PAUSE
    )


def caption_events(words: Sequence[CaptionWord], start: float, end: float) -> list[CaptionEvent]:
    """One event per word of the clip [start, end], in clip time, that word highlighted in its line."""
    spoken = [
        CaptionWord(word.text.strip(), word.start, word.end)
        for word in sorted(words, key=lambda word: word.start)
        if word.text.strip() and word.end > start and word.start < end
    ]
    lines = group_lines(spoken)
    events: list[CaptionEvent] = []
    for number, line in enumerate(lines):
        following = lines[number + 1][0].start if number + 1 < len(lines) else end
        for index, word in enumerate(line):
            until = line[index + 1].start if index + 1 < len(line) else min(word.end + LINGER, following)
            text = " ".join(_highlighted(w.text) if w is word else escape(w.text) for w in line)
            events.append(CaptionEvent(max(word.start, start) - start, min(until, end) - start, text))
    return events


def _highlighted(text: str) -> str:
    return f"{{\\c{HIGHLIGHT}}}{escape(text)}{{\\c{TEXT_COLOUR}&}}"


def write_captions(spec: ClipSpec, out: Path) -> Path:
    """Write the clip's captions as an ASS file at `out`."""
    style = caption_style(spec.width, spec.height)
    events = caption_events(spec.words, spec.start, spec.end)
    lines = [*_header(spec.width, spec.height, style), *(_dialogue(event) for event in events)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _header(width: int, height: int, style: CaptionStyle) -> list[str]:
    fields = "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
    fields += "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
    fields += "Alignment, MarginL, MarginR, MarginV, Encoding"
    colours = f"{TEXT_COLOUR},{TEXT_COLOUR},{OUTLINE_COLOUR},{OUTLINE_COLOUR}"
    look = f"-1,0,0,0,100,100,0,0,1,{style.outline},0,2"
    margins = f"{style.margin_side},{style.margin_side},{style.margin_bottom},1"
    return [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "",
        "[V4+ Styles]",
        f"Format: {fields}",
        f"Style: Caption,{FONT},{style.font_size},{colours},{look},{margins}",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]


def _dialogue(event: CaptionEvent) -> str:
    return f"Dialogue: 0,{_timestamp(event.start)},{_timestamp(event.end)},Caption,,0,0,0,,{event.text}"


def _timestamp(seconds: float) -> str:
    centiseconds = max(0, round(seconds * 100))
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6000)
    return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"
