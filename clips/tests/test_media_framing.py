"""The crop path: follows the active face, keeps it inside, moves smoothly, jumps only at cuts."""

from __future__ import annotations

import numpy as np

from clips.media.framing import crop_path, crop_size
from clips.media.types import ClipSpec, FaceBox, FaceSample
from clips.tests.media_samples import face_samples
from reelremix.demo_video import FacePath

FPS = 25.0
WIDTH, HEIGHT = 640, 360


def moving_face(duration: float = 12.0) -> FacePath:
    # What make_face_video places at 640x360: the astronaut's face scaled by 360/720 (90 x 100 pixels).
    return FacePath(WIDTH, HEIGHT, 90, 100, duration)


def inside_share(face: FacePath, spec: ClipSpec) -> tuple[float, float]:
    """Share of frames with the true face box inside the crop, and the largest step between frames."""
    path = crop_path(spec, WIDTH, HEIGHT, FPS)
    inside = []
    for index in range(path.frames):
        x1, y1, x2, y2 = face.box(spec.start + index / FPS)
        left, top = path.x[index], path.y[index]
        inside.append(left <= x1 and x2 <= left + path.width and top <= y1 and y2 <= top + path.height)
    return float(np.mean(inside)), float(np.abs(np.diff(path.x)).max())


def test_it_keeps_a_moving_face_inside_a_9_16_crop() -> None:
    face = moving_face()
    spec = ClipSpec(1.0, 11.0, 1080, 1920, faces=face_samples(face, 12.0))
    share, step = inside_share(face, spec)
    assert share >= 0.98
    assert step < 0.02 * WIDTH


def test_it_ignores_low_score_blips_and_bridges_missed_samples() -> None:
    face = moving_face()
    samples = [s for s in face_samples(face, 12.0) if s.t not in (4.0, 7.0)]  # two missed detections
    blips = [FaceSample(t, (FaceBox(0.9, 0.1, 0.98, 0.25, 0.35),)) for t in (3.0, 8.0)]
    spec = ClipSpec(0.0, 12.0, 1080, 1080, faces=tuple(sorted(samples + blips, key=lambda s: s.t)))
    share, step = inside_share(face, spec)
    assert share >= 0.98
    assert step < 0.02 * WIDTH


def test_it_follows_the_face_that_stays_rather_than_one_seen_once() -> None:
    stayer = FaceBox(0.05, 0.3, 0.15, 0.6, 0.8)
    passer = FaceBox(0.8, 0.2, 0.98, 0.7, 0.99)  # bigger and surer, but seen on one sample only
    samples = tuple(FaceSample(float(t), (stayer, passer) if t == 2 else (stayer,)) for t in range(6))
    path = crop_path(ClipSpec(0.0, 5.0, 1080, 1920, faces=samples), WIDTH, HEIGHT, FPS)
    assert path.x.max() <= stayer.x1 * WIDTH
    assert path.face_coverage == 1.0


def test_it_jumps_at_a_cut_and_glides_elsewhere() -> None:
    left, right = FaceBox(0.02, 0.3, 0.12, 0.6, 0.9), FaceBox(0.85, 0.3, 0.95, 0.6, 0.9)
    samples = tuple(FaceSample(float(t), (left if t < 3 else right,)) for t in range(7))
    path = crop_path(ClipSpec(0.0, 6.0, 1080, 1920, faces=samples, cuts=(2.5,)), WIDTH, HEIGHT, FPS)
    steps = np.abs(np.diff(path.x))
    cut_frame = int(np.ceil(2.5 * FPS))  # the first frame of the second scene
    assert steps[cut_frame - 1] > 0.3 * WIDTH  # the window jumps with the scene
    assert np.delete(steps, cut_frame - 1).max() < 0.02 * WIDTH
    assert path.face_coverage >= 0.98


def test_it_rests_at_the_centre_without_faces_and_holds_across_a_short_gap() -> None:
    path = crop_path(ClipSpec(0.0, 4.0, 1080, 1920), WIDTH, HEIGHT, FPS)
    assert path.fallback
    assert np.abs(path.x - (WIDTH - path.width) / 2).max() <= 1  # centred, to the nearest even pixel
    box = FaceBox(0.05, 0.3, 0.15, 0.6, 0.9)
    held = crop_path(
        ClipSpec(0.0, 5.0, 1080, 1920, faces=(FaceSample(0.0, (box,)), FaceSample(3.0, (box,)))),
        WIDTH,
        HEIGHT,
        FPS,
    )
    assert not held.fallback
    assert held.x[: int(4 * FPS)].max() <= box.x1 * WIDTH  # held around the face across the gap
    assert held.x[-1] > 100  # a second after its last sample the face counts as gone: back to the centre


def test_it_follows_vertically_in_a_tall_source_and_not_at_all_in_the_same_aspect() -> None:
    assert crop_size(720, 1280, 1920, 1080) == (720, 404)
    assert crop_size(720, 1280, 1080, 1080) == (720, 720)
    assert crop_size(1280, 720, 1080, 1920) == (404, 720)
    assert crop_size(1280, 720, 1920, 1080) == (1280, 720)
    low = FaceBox(0.3, 0.75, 0.6, 0.9, 0.9)
    samples = tuple(FaceSample(float(t), (low,)) for t in range(4))
    path = crop_path(ClipSpec(0.0, 3.0, 1920, 1080, faces=samples), 720, 1280, FPS)
    assert (path.width, path.height) == (720, 404)
    assert set(path.x.tolist()) == {0}
    assert path.y.min() <= 0.75 * 1280 and path.y.max() + 404 >= 0.9 * 1280
    assert all(offset % 2 == 0 for offset in path.y.tolist())
