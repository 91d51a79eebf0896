"""Captions: lines of a few words, the spoken word highlighted on time in the rendered video."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from clips.media.captions import caption_events, caption_style, escape, group_lines
from clips.media.render import render_clip
from clips.media.types import CaptionWord, ClipSpec
from clips.tests.media_samples import decoded_frames, lavfi_video
from media_jobs.media.probe import probe_media

WORDS = (
    CaptionWord("Hello", 1.20, 1.50),
    CaptionWord("brave", 1.60, 1.90),
    CaptionWord("new", 2.00, 2.20),
    CaptionWord("world.", 2.30, 2.70),
    CaptionWord("Captions", 3.20, 3.60),
    CaptionWord("follow", 3.70, 4.00),
    CaptionWord("along", 4.10, 4.50),
)


def test_it_groups_words_into_short_lines_broken_at_sentences_and_pauses() -> None:
    more = [
        CaptionWord(text, 5 + 0.3 * n, 5.25 + 0.3 * n)
        for n, text in enumerate(["one", "two", "three", "four", "five"])
    ]
    more += [
        CaptionWord("extraordinarily", 6.6, 6.9),
        CaptionWord("later", 8.0, 8.2),
    ]  # "later": after a pause
    lines = [" ".join(word.text for word in line) for line in group_lines([*WORDS[:5], *more])]
    assert lines == [
        "Hello brave new world.",
        "Captions",
        "one two three four",
        "five extraordinarily",
        "later",
    ]


def test_it_times_each_word_from_its_own_start_relative_to_the_clip() -> None:
    events = caption_events(WORDS, 1.0, 5.0)
    assert [round(event.start, 2) for event in events] == [0.2, 0.6, 1.0, 1.3, 2.2, 2.7, 3.1]
    assert events[0].end == events[1].start  # the highlight moves on when the next word starts
    assert "{\\c&H0000FFFF&}brave" in events[1].text and "Hello" in events[1].text
    assert round(events[3].end, 2) == 2.2  # "world." ends its line; it stays until the next line starts
    assert round(events[-1].end, 2) == 4.0  # the last word lingers, but not past the clip's end


def test_it_escapes_what_libass_would_read_as_tags() -> None:
    assert escape("{\\b1}x") == "\\{\\\u2060b1\\}x"
    assert "{" not in escape("a{b}").replace("\\{", "")


def test_it_sizes_and_places_the_captions_in_the_safe_area() -> None:
    tall, square = caption_style(1080, 1920), caption_style(1080, 1080)
    assert 0.2 * 1920 <= tall.margin_bottom <= 0.4 * 1920  # above the bottom 20 % of overlays
    assert 50 <= tall.font_size <= 90 and square.font_size <= tall.font_size
    assert caption_style(540, 960).font_size == round(tall.font_size / 2)


def highlight_starts(path: Path, fps: float) -> list[float]:
    """Times where the yellow highlight appears or jumps to another word."""
    starts, previous = [], None
    for index, frame in enumerate(decoded_frames(path)):
        red, green, blue = (frame[..., channel].astype(int) for channel in range(3))
        columns = np.nonzero((red > 160) & (green > 160) & (blue < 100))[1]
        centre = float(columns.mean()) if len(columns) > 20 else None
        if centre is not None and (previous is None or abs(centre - previous) > 10):
            starts.append(index / fps)
        previous = centre
    return starts


def test_it_highlights_every_word_within_150_ms_of_its_timestamp(tmp_path: Path) -> None:
    src = lavfi_video(tmp_path / "dark.mp4", "color=c=0x101820:size=320x180:rate=25", duration=5.0)
    render_clip(src, probe_media(src), ClipSpec(1.0, 5.0, 640, 360, words=WORDS), tmp_path / "clip.mp4")
    starts = highlight_starts(tmp_path / "clip.mp4", 25.0)
    expected = [word.start - 1.0 for word in WORDS]
    assert len(starts) == len(expected), starts
    assert max(abs(seen - said) for seen, said in zip(starts, expected, strict=True)) <= 0.15
