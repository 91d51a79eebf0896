"""Tracks built from 1 fps detections cover every frame the object may be on screen."""

from moderation.tracking import Detection, Track, build_tracks, judged_score, track_keyframes


def _face(t: float, x: float, y: float = 0.4, size: float = 0.2, score: float = 0.9) -> Detection:
    return Detection(t, "FACE", score, x, y, x + size, y + size)


def test_it_links_a_moving_face_into_one_track():
    samples = [(float(t), [_face(t, 0.05 * t)]) for t in range(10)]
    tracks = build_tracks(samples, interval=1.0)
    assert len(tracks) == 1 and len(tracks[0].detections) == 10


def test_it_keeps_two_faces_apart():
    samples = [(float(t), [_face(t, 0.05 * t, y=0.1), _face(t, 0.7 - 0.05 * t, y=0.7)]) for t in range(6)]
    tracks = build_tracks(samples, interval=1.0)
    assert len(tracks) == 2
    assert {round(track.detections[0].y1, 2) for track in tracks} == {0.1, 0.7}


def test_it_bridges_one_missed_sample_but_not_a_long_absence():
    bridged = build_tracks([(0.0, [_face(0, 0.1)]), (1.0, []), (2.0, [_face(2, 0.12)])], interval=1.0)
    assert len(bridged) == 1
    split = build_tracks([(0.0, [_face(0, 0.1)]), (5.0, [_face(5, 0.1)])], interval=1.0)
    assert len(split) == 2


def test_a_body_part_found_again_where_it_was_is_one_track_but_a_face_or_a_body_part_elsewhere_is_not():
    def part(t: float, x: float, label: str = "FEMALE_BREAST_EXPOSED") -> Detection:
        return Detection(t, label, 0.6, x, 0.3, x + 0.3, 0.8)

    # NudeNet drops a body part for four samples and finds it again in the same place: one flag, not two.
    again = build_tracks([(0.0, [part(0, 0.2)]), (1.0, [part(1, 0.21)]), (6.0, [part(6, 0.22)])], 1.0)
    assert [len(track.detections) for track in again] == [3]
    # Too late, or elsewhere (a box a third of the way across), or a face: new tracks.
    assert len(build_tracks([(0.0, [part(0, 0.2)]), (7.0, [part(7, 0.2)])], 1.0)) == 2
    assert len(build_tracks([(0.0, [part(0, 0.2)]), (4.0, [part(4, 0.5)])], 1.0)) == 2
    faces = [(0.0, [part(0, 0.2, "FACE")]), (4.0, [part(4, 0.2, "FACE")])]
    assert len(build_tracks(faces, 1.0)) == 2


def test_it_pads_the_span_by_one_interval_and_extrapolates_the_motion():
    track = build_tracks([(float(t), [_face(t, 0.1 + 0.1 * t)]) for t in range(2, 6)], interval=1.0)[0]
    start, end, keyframes = track_keyframes(track, interval=1.0, duration=10.0)
    assert (start, end) == (1.0, 6.0)
    assert [k["t"] for k in keyframes] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    # Before the first sample the face was further left, where the motion puts it.
    assert keyframes[0]["x1"] < keyframes[1]["x1"] < keyframes[2]["x1"]


def test_it_grows_the_margin_with_motion_and_clamps_to_the_frame():
    still = build_tracks([(float(t), [_face(t, 0.4)]) for t in range(3)], 1.0)[0]
    moving = build_tracks([(float(t), [_face(t, 0.1 + 0.15 * t)]) for t in range(3)], 1.0)[0]
    still_box = track_keyframes(still, 1.0, 10.0)[2][1]
    moving_box = track_keyframes(moving, 1.0, 10.0)[2][1]
    assert moving_box["x2"] - moving_box["x1"] > still_box["x2"] - still_box["x1"] > 0.2
    edge = build_tracks([(0.0, [_face(0, 0.0, y=0.0)])], 1.0)[0]
    _, _, (first, *_) = track_keyframes(edge, 1.0, 10.0)
    assert first["x1"] == 0.0 and first["y1"] == 0.0 and first["t"] == 0.0


def _track(
    label: str, scores: list[float], box: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.55)
) -> Track:
    return Track(label, [Detection(float(t), label, score, *box) for t, score in enumerate(scores)])


def test_a_track_seen_on_one_sample_only_counts_half_unless_the_detector_was_sure():
    assert judged_score(_track("FACE", [0.59])) == 0.295  # a fractal's flicker: below the review threshold
    assert judged_score(_track("FACE", [0.9])) == 0.9  # a face in a quick cut, clearly seen
    assert judged_score(_track("FACE", [0.45, 0.59, 0.5])) == 0.59  # persists: a face
    assert judged_score(_track("FEMALE_BREAST_EXPOSED", [0.32])) == 0.16  # a fractal's lone flicker
    assert judged_score(_track("FEMALE_BREAST_EXPOSED", [0.45])) == 0.45  # borderline: a moderator sees it


def test_a_body_part_filling_the_frame_is_a_texture_but_safesearch_labels_are_whole_frame():
    whole = (0.0, 0.0, 1.0, 1.0)
    assert judged_score(_track("BUTTOCKS_EXPOSED", [0.34] * 10, whole)) == 0.17
    assert judged_score(_track("BUTTOCKS_EXPOSED", [0.34] * 10)) == 0.34
    assert judged_score(_track("ADULT", [0.8] * 3, whole)) == 0.8


def test_a_track_in_colour_with_no_skin_tones_is_a_pattern_but_grey_footage_gets_no_verdict():
    def track(label: str, skins: list[float | None]) -> Track:
        return Track(
            label, [Detection(t, label, 0.49, 0.4, 0.4, 0.5, 0.5, skin) for t, skin in enumerate(skins)]
        )

    # The Mandelbrot set's steady false face: 25 samples whose boxes hold 4-5 % skin tones.
    assert judged_score(track("FACE", [0.05] * 25)) == 0.245  # under the review threshold
    assert judged_score(track("FACE", [0.9] * 24 + [0.05])) == 0.49  # a face, one odd sample
    assert judged_score(track("FACE", [None] * 25)) == 0.49  # black and white film: no colour to judge
    assert judged_score(track("FEMALE_BREAST_EXPOSED", [0.06] * 3)) == 0.245
    assert judged_score(track("ADULT", [0.05] * 3)) == 0.49  # SafeSearch judges the whole frame, not skin


def test_it_follows_a_small_face_that_crosses_twice_its_width_a_sample_through_a_missed_one():
    # A 50 px face walking across a 720p frame: 0.04 of the frame wide, 0.08 further on each sample.
    samples = [(float(t), [_face(t, 0.05 + 0.08 * t, size=0.04)] if t != 4 else []) for t in range(10)]
    tracks = build_tracks(samples, interval=1.0)
    assert len(tracks) == 1 and len(tracks[0].detections) == 9
    # Two such faces walking towards each other stay two tracks.
    crossing = [
        (float(t), [_face(t, 0.05 + 0.08 * t, y=0.2, size=0.04), _face(t, 0.85 - 0.08 * t, y=0.6, size=0.04)])
        for t in range(10)
    ]
    assert sorted(len(track.detections) for track in build_tracks(crossing, interval=1.0)) == [10, 10]
