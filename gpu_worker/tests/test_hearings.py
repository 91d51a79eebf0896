"""Other hearings at other tempos: the audio stretched at its pitch, times put back, and what another hearing
wrote differently offered as readings; on the real tiny.en over a committed clip."""

from __future__ import annotations

import numpy as np
import pytest

from gpu_worker.config import current
from gpu_worker.hearings import OTHER_TEMPOS, at_tempo, differences, retimed, with_other_hearings
from gpu_worker.transcribe import SAMPLE_RATE, LocalTranscriber
from gpu_worker.types import Alternative, Transcript, Word
from tests.media import SPEECH_DIR


def words(*spoken: tuple[str, float]) -> list[Word]:
    return [Word(text, start, start + 0.3, 0.9) for text, start in spoken]


def peak_frequency(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.fft.rfftfreq(len(audio), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


@pytest.mark.parametrize("tempo", [1.1, 0.9])
def test_audio_at_another_tempo_lasts_as_much_less_or_more_at_the_same_pitch(tempo: float) -> None:
    tone = np.sin(2 * np.pi * 440 * np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)

    stretched = at_tempo(tone, tempo, SAMPLE_RATE)

    assert len(stretched) == pytest.approx(len(tone) / tempo, rel=0.002)
    assert peak_frequency(stretched) == pytest.approx(440, abs=2)


def test_a_hearing_at_another_tempo_is_timed_on_the_original_audio() -> None:
    heard = Transcript(words(("damn", 1.0)), [Alternative("oh damn", 0.5, 1.3, 0.4)])

    (word,), (reading,) = retimed(heard, 1.1).words, retimed(heard, 1.1).alternatives

    assert (word.start, word.end) == pytest.approx((1.1, 1.43))
    assert (reading.start, reading.end, reading.text) == pytest.approx((0.55, 1.43, "oh damn"))


def test_what_another_hearing_wrote_differently_becomes_readings_over_its_own_time() -> None:
    heard = words(("That's", 0.0), ("politics,", 0.4), ("mate.", 0.8), ("See", 1.2), ("you", 1.6))
    other = words(
        ("that's", 0.0), ("bollocks", 0.45), ("mate", 0.8), ("see", 1.2), ("ya", 1.55), ("soon", 1.9)
    )

    readings = differences(heard, other)

    # Case and punctuation are not differences; a replaced word and an added one are.
    assert [(r.text, r.start, r.end) for r in readings] == [
        ("bollocks", 0.45, pytest.approx(0.75)),
        ("ya soon", 1.55, pytest.approx(2.2)),
    ]
    assert differences(heard, heard) == []


def test_other_hearings_add_readings_and_keep_the_words_heard() -> None:
    heard = Transcript(words(("that's", 0.0), ("politics", 0.4)), [Alternative("a", 0.0, 0.7, 0.5)])
    other = Transcript(words(("that's", 0.0), ("bollocks", 0.4)), [Alternative("b", 0.0, 0.7, 0.5)])

    merged = with_other_hearings(heard, [other])

    assert merged.words == heard.words
    assert [reading.text for reading in merged.alternatives] == ["a", "bollocks", "b"]


def test_the_thorough_model_hears_a_clip_three_times_and_keeps_what_it_heard_first() -> None:
    clip = SPEECH_DIR / "kitchen.flac"
    once = LocalTranscriber.from_config(current())
    thrice = LocalTranscriber(once._model, batch_size=once._batch_size, other_tempos=OTHER_TEMPOS)

    plain, thorough = once.transcribe(clip), thrice.transcribe(clip)

    assert thorough.words == plain.words
    assert set(plain.alternatives) <= set(thorough.alternatives)
    assert len(thorough.alternatives) > len(plain.alternatives)  # tiny.en hears this clip differently
    duration = plain.words[-1].end + 1
    assert all(0 <= reading.start <= reading.end <= duration for reading in thorough.alternatives)
