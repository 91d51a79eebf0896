from media_jobs.media.frames import sample_frames
from media_jobs.media.probe import probe_media
from media_jobs.media.scenes import SceneCutDetector
from media_jobs.tests.media_factory import make_color_video, make_video


def _cuts(path, fps=1.0):
    detector = SceneCutDetector()
    for frame in sample_frames(path, probe_media(path), fps=fps, max_side=640):
        detector.observe(frame.time, frame.image)
    return detector.cuts


def test_it_finds_cuts_between_colour_scenes(tmp_path):
    path = make_color_video(
        tmp_path / "scenes.mp4", ["red", "red", "blue", "blue", "green"], seconds_each=1.0
    )
    cuts = _cuts(path, fps=2.0)
    assert [round(first) for _, first in cuts] == [2, 4]
    assert all(last < first and first - last <= 0.6 for last, first in cuts)


def test_it_finds_no_cut_in_continuous_motion(tmp_path):
    path = make_video(tmp_path / "motion.mp4", duration=6.0, audio=False)  # testsrc2: moving patterns
    assert _cuts(path) == []
