"""Finding clips in an analysis: windows on sentence boundaries, scene cuts preferred, scores explained,
flags followed, overlaps limited. Pure functions: no database, no media."""

from __future__ import annotations

import numpy as np

from clips import scoring, selection
from clips.analysis import FlagView
from clips.selection import ClipOptions
from clips.tests.analyses import analysis

FILLER = "we talked about the weather and the garden today."  # 9 words: 3.6 s + 0.6 s gap
SENTENCES = [FILLER] * 30  # 126 s


def _word_edges(found):
    starts = {w["start"] for w in found.words}
    ends = {w["end"] for w in found.words}
    return starts, ends


def test_candidates_start_and_end_on_sentence_boundaries_within_the_lengths():
    found = analysis(SENTENCES)
    options = ClipOptions(15.0, 30.0, 5)
    starts, ends = _word_edges(found)
    sentence_starts = {s.start for s in found.sentences}
    sentence_ends = {s.end for s in found.sentences}
    windows = selection.candidates(found, options)
    assert windows
    for window in windows:
        assert 15.0 <= window.end - window.start <= 30.0
        first_word = min(s for s in starts if s >= window.start)
        last_word = max(e for e in ends if e <= window.end)
        assert first_word in sentence_starts and last_word in sentence_ends
        assert first_word - window.start <= selection.LEAD + 1e-6
        assert window.end - last_word <= selection.TAIL + 1e-6


def test_chosen_clips_do_not_overlap_by_more_than_a_few_seconds_and_are_ranked():
    found = analysis(SENTENCES)
    chosen = selection.find_clips(found, ClipOptions(15.0, 30.0, 6))
    assert len(chosen) == 6
    assert [c.score for c in chosen] == sorted((c.score for c in chosen), reverse=True)
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            assert min(a.end, b.end) - max(a.start, b.start) <= selection.MAX_OVERLAP


def test_a_scene_cut_in_the_pause_before_a_sentence_becomes_the_in_point():
    found = analysis(SENTENCES)
    second = found.sentences[1]
    cut = round(second.start - 0.3, 3)  # in the pause before the second sentence
    with_cut = analysis(SENTENCES, cuts=[cut])
    starts = {w.start for w in selection.candidates(with_cut, ClipOptions(15.0, 30.0, 5))}
    assert cut in starts
    assert second.start - selection.LEAD not in {round(s, 3) for s in starts}


def test_the_hook_rewards_a_question_a_number_and_a_claim_and_says_so():
    plain = analysis(["we talked about the weather today.", *[FILLER] * 5])
    hooked = analysis(["why do ten people never sleep?", *[FILLER] * 5])
    part_plain = scoring.hook(plain, 0.0, 20.0)
    part_hooked = scoring.hook(hooked, 0.0, 20.0)
    assert part_plain.value == 0.0 and "nothing" in part_plain.why
    assert part_hooked.value == 1.0
    assert "question" in part_hooked.why and "number" in part_hooked.why and "never" in part_hooked.why


def test_the_hook_hears_a_loudness_rise():
    found = analysis(SENTENCES)
    found.loudness[:] = -30.0
    found.loudness[int(20 / 0.5) :] = -15.0  # 15 dB louder from 20 s on
    assert "louder" in scoring.hook(found, 20.0, 40.0).why
    assert scoring.hook(found, 30.0, 50.0).value == 0.0


def test_centrality_prefers_what_the_video_is_about():
    sentences = [FILLER] * 12
    topic_of = {i: 1 for i in range(8, 12)}  # the last four sentences are off topic
    found = analysis(sentences, topic_of=topic_of)
    scored = selection.score(found, selection.candidates(found, ClipOptions(8.0, 9.0, 3)))
    on_topic = [s for s in scored if s.end < found.sentences[8].start]
    off_topic = [s for s in scored if s.start >= found.sentences[8].start - 0.2]
    assert on_topic and off_topic
    assert max(s.parts["centrality"].value for s in off_topic) < min(
        s.parts["centrality"].value for s in on_topic
    )


def test_completeness_marks_a_window_opening_on_a_connective():
    found = analysis(["and then we left the house.", FILLER, FILLER, FILLER])
    whole = scoring.completeness(found, found.sentences[1].start - 0.1, found.sentences[3].end + 0.1, False)
    dangling = scoring.completeness(found, 0.0, found.sentences[2].end + 0.1, False)
    assert whole.value > dangling.value and '"and"' in dangling.why


def test_an_unresolved_flag_makes_a_clip_unsafe_and_halves_its_score_a_censored_one_does_not():
    base = analysis(SENTENCES)
    at = base.sentences[3].start + 1.0
    waiting = FlagView("nudity", "FEMALE_BREAST_EXPOSED", at, at + 1.0, 0.5, "unresolved")
    censored = FlagView("profanity", "damn", at, at + 0.4, 0.9, "censored")
    clean = selection.score(base, [selection.Candidate(0.0, 20.0, "", False)])[0]
    unsafe = selection.score(analysis(SENTENCES, flags=[waiting], case_state="queued"),
                             [selection.Candidate(0.0, 20.0, "", False)])[0]  # fmt: skip
    bleeped = selection.score(analysis(SENTENCES, flags=[censored], case_state="auto_censored"),
                              [selection.Candidate(0.0, 20.0, "", False)])[0]  # fmt: skip
    assert clean.safe_to_post and bleeped.safe_to_post and not unsafe.safe_to_post
    assert "wait for a moderator" in unsafe.safety and "censored in the clip" in bleeped.safety
    assert unsafe.score == round(clean.score * (1 - scoring.UNRESOLVED_PENALTY), 4)
    assert clean.score > bleeped.score > unsafe.score
    far = selection.score(analysis(SENTENCES, flags=[waiting], case_state="queued"),
                          [selection.Candidate(60.0, 80.0, "", False)])[0]  # fmt: skip
    assert far.safe_to_post  # the flag is elsewhere in the video


def test_the_breakdown_explains_every_part_with_its_weight():
    found = analysis(SENTENCES)
    clip = selection.find_clips(found, ClipOptions(15.0, 30.0, 1))[0]
    breakdown = clip.breakdown()
    assert set(breakdown) == {*scoring.WEIGHTS, "risk"}
    assert all(part["why"] for part in breakdown.values())
    weighted = sum(scoring.WEIGHTS[n] * breakdown[n]["value"] for n in scoring.WEIGHTS)
    assert abs(weighted * (1 - scoring.CENSORED_PENALTY * (clip.risk > 0)) - clip.score) < 0.01


def test_a_video_without_speech_is_cut_into_scenes():
    found = analysis([], duration=90.0, cuts=[20.0, 45.0, 70.0])
    chosen = selection.find_clips(found, ClipOptions(15.0, 30.0, 10))
    spans = sorted((c.start, c.end) for c in chosen)
    assert spans == [(0.0, 20.0), (20.0, 45.0), (45.0, 70.0), (70.0, 90.0)]


def test_edited_points_snap_to_word_boundaries():
    found = analysis(SENTENCES)
    word = found.words[20]
    start, end = selection.snap(found, word["start"] + 0.13, found.words[60]["end"] - 0.1)
    assert start == round(word["start"] - selection.LEAD, 3)
    assert end == round(found.words[60]["end"] + selection.TAIL, 3)


def test_a_clip_around_a_moment_contains_it_even_in_a_long_silence():
    found = analysis(SENTENCES[:4], duration=100.0)
    inside = selection.around(found, found.sentences[1].start + 0.5, ClipOptions(8.0, 20.0, 1))
    assert inside.start <= found.sentences[1].start + 0.5 <= inside.end
    silent = selection.around(found, 80.0, ClipOptions(15.0, 30.0, 1))
    assert silent.start <= 80.0 <= silent.end and np.isclose(silent.end - silent.start, 15.0, atol=1.0)


def test_centrality_does_not_favour_long_windows():
    """A window that stays on the video's main topic is more central than a longer one that wanders off
    it, although the longer one's averaged meaning lies closer to the video's."""
    topic_of = {i: 1 for i in range(0, 12, 3)}  # every third sentence is about something else
    found = analysis([FILLER] * 12, topic_of=topic_of)
    focused = (found.sentences[1].start, found.sentences[2].end)  # two main-topic sentences
    wandering = (found.sentences[0].start, found.sentences[8].end)  # main and other, mixed
    assert found.closeness_between(*focused) > found.closeness_between(*wandering)  # type: ignore[operator]


def test_a_silent_video_without_cuts_is_cut_into_pieces_that_fit():
    found = analysis([], duration=200.0)
    chosen = selection.find_clips(found, ClipOptions(15.0, 60.0, 10))
    spans = sorted((round(c.start, 1), round(c.end, 1)) for c in chosen)
    assert spans == [(0.0, 50.0), (50.0, 100.0), (100.0, 150.0), (150.0, 200.0)]
