from search import segmenting
from search.segmenting import Window


def _words(*sentences: tuple[float, str], pace: float = 0.4) -> list[dict]:
    """Words of each sentence spoken `pace` seconds apart, starting at the given time."""
    out = []
    for start, text in sentences:
        for i, word in enumerate(text.split()):
            out.append({"text": word, "start": start + i * pace, "end": start + i * pace + 0.3})
    return out


def test_it_splits_sentences_at_punctuation_and_pauses():
    words = _words((0.0, "One two three."), (1.5, "four five"), (4.0, "six seven"))
    assert [s.text for s in segmenting.sentences(words)] == ["One two three.", "four five", "six seven"]


def test_it_cuts_a_run_on_sentence_before_the_longest_window():
    words = _words((0.0, " ".join(["word"] * 80)))  # 32 s without a full stop or a pause
    windows = segmenting.speech_windows(words, [])
    assert len(windows) == 2
    assert all(w.duration <= segmenting.MAX_SECONDS for w in windows)
    assert " ".join(w.text for w in windows) == " ".join(["word"] * 80)


def test_it_groups_sentences_into_windows_of_5_to_20_seconds():
    words = _words(*[(3.0 * i, "a short sentence here.") for i in range(12)])  # 12 sentences, 1.5 s each
    windows = segmenting.speech_windows(words, [])
    assert len(windows) >= 2
    assert all(segmenting.MIN_SECONDS <= w.duration <= segmenting.MAX_SECONDS for w in windows[:-1])
    assert windows[-1].duration <= segmenting.MAX_SECONDS  # the rest of the speech, however short
    assert sum(w.text.count("sentence") for w in windows) == 12


def test_it_closes_windows_at_scene_cuts():
    words = _words((0.0, "Topic one starts here."), (2.0, "Still topic one."), (4.5, "Now topic two."))
    # The cut happened between the frames sampled at 3.9 and 4.4: before "Now topic two".
    windows = segmenting.speech_windows(words, [(3.9, 4.4)])
    assert [w.text for w in windows] == ["Topic one starts here. Still topic one.", "Now topic two."]


def test_it_snaps_a_cut_to_the_nearest_sentence_boundary():
    # Whisper's last word runs into the pause: "one." ends after the cut was seen.
    words = _words((0.0, "Topic one starts here. Still topic one."), (4.9, "Now topic two."))
    words[6]["end"] = 4.6
    windows = segmenting.speech_windows(words, [(4.0, 4.5)])
    assert [w.text for w in windows] == ["Topic one starts here. Still topic one.", "Now topic two."]


def test_it_ignores_cuts_far_from_any_sentence_boundary():
    words = _words((0.0, "A long sentence that goes on and on while the camera cuts away."))
    assert len(segmenting.speech_windows(words, [(1.0, 2.0)])) == 1


def test_it_makes_scene_windows_for_videos_without_speech():
    windows = segmenting.windows_for([], [(9.5, 10.5)], 45.0)
    assert windows == [Window(0.0, 10.0, ""), Window(10.0, 27.5, ""), Window(27.5, 45.0, "")]


def test_it_collects_confident_labels_within_a_window():
    detections = [
        {"t": 1.0, "boxes": [{"label": "FACE", "score": 0.9}, {"label": "BUTTOCKS_EXPOSED", "score": 0.2}]},
        {"t": 2.0, "boxes": [{"label": "FEET_EXPOSED", "score": 0.7}]},
        {"t": 9.0, "boxes": [{"label": "ARMPITS_EXPOSED", "score": 0.8}]},
    ]
    assert segmenting.labels_between(detections, 0.0, 5.0, 0.5) == ["FACE", "FEET_EXPOSED"]


def test_it_picks_the_sampled_frame_nearest_the_middle():
    assert segmenting.nearest_time([0.0, 1.0, 2.0, 3.0], 1.6) == 2.0
    assert segmenting.nearest_time([], 1.6) == 1.6
