"""Frames that show the same picture again are found; anything new on screen, however small or slow, is not
taken for a repeat."""

import cv2
import numpy as np

from media_jobs.media.stills import first_showings
from tests.lossy import as_stored


def _scene(seed: int = 0) -> np.ndarray:
    """A 640x360 picture with structure: smooth colour ramps and some blocks."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:360, 0:640]
    image = np.stack([x * 255 // 640, y * 255 // 360, (x + y) * 255 // 1000], axis=-1).astype(np.uint8)
    for _ in range(6):
        x1, y1 = int(rng.integers(0, 560)), int(rng.integers(0, 300))
        image[y1 : y1 + 60, x1 : x1 + 80] = rng.integers(0, 255, 3)
    return image


def test_a_still_picture_is_shown_once_however_the_encoder_varies_it():
    scene = _scene()
    frames = [as_stored(scene, seed, grain=3.0) for seed in range(10)]
    assert first_showings(frames) == [0] * 10


def test_a_small_faint_change_makes_a_new_picture_from_then_on():
    scene = _scene()
    changed = scene.copy()
    changed[100:125, 300:325] = np.clip(changed[100:125, 300:325].astype(int) + 15, 0, 255)  # 25 px, faint
    pictures = (scene, scene, changed, changed, scene)
    frames = [as_stored(picture, seed, grain=3.0) for seed, picture in enumerate(pictures)]
    assert first_showings(frames) == [0, 0, 2, 2, 4]


def test_a_slow_fade_adds_up_to_a_new_picture():
    scene = _scene().astype(int)
    frames = [np.clip(scene + step, 0, 255).astype(np.uint8) for step in range(12)]  # one level a frame
    shown = first_showings(frames)
    assert shown[:5] == [0] * 5  # four levels: the same picture
    assert len(set(shown)) >= 2 and shown[-1] != 0  # but the fade is never all one picture


def test_other_scenes_are_new_and_the_same_scene_at_another_size_is_not():
    # Boxes are fractions of the frame: the same picture smaller has the same boxes.
    frames = [_scene(0), cv2.resize(_scene(0), (320, 180)), _scene(1), _scene(2)]
    assert first_showings(frames) == [0, 0, 2, 3]
    assert first_showings([]) == []
