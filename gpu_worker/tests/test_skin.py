"""Skin share on real pixels: a real face of any shade holds skin tones; fractals' false faces do not."""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
from imageio_ffmpeg import get_ffmpeg_exe
from skimage import data

from gpu_worker.config import current
from gpu_worker.faces import FaceDetector
from gpu_worker.skin import skin_share, with_skin
from gpu_worker.types import FACE, Box

FACE_BOX = Box(FACE, 0.9, 175 / 512, 60 / 512, 275 / 512, 180 / 512)  # Eileen Collins' face in astronaut()


def _mandelbrot_frames(count: int) -> np.ndarray:
    """ffmpeg's Mandelbrot zoom at 1 fps, 640x360: CenterFace sees a face in it on most frames."""
    command = [
        get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "mandelbrot=size=1280x720:rate=1",
        "-frames:v", str(count), "-vf", "scale=640:360,format=rgb24", "-f", "rawvideo", "-",
    ]  # fmt: skip
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, 360, 640, 3)


def test_a_real_face_holds_skin_tones_in_any_light_and_grey_gets_no_verdict():
    astronaut = data.astronaut()
    assert skin_share(astronaut, FACE_BOX) >= 0.6  # her hair, the margins
    darker = (astronaut.astype(np.float32) * 0.4).astype(np.uint8)  # a darker shade, or a dim room
    assert skin_share(darker, FACE_BOX) >= 0.6
    grey = np.repeat(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
    assert skin_share(grey, FACE_BOX) is None
    cheek = Box(FACE, 0.9, 200 / 512, 140 / 512, 200 / 512, 140 / 512)  # a box with no area: its one pixel
    assert skin_share(astronaut, cheek) == 1.0
    # SafeSearch's whole-frame categories are not bodies: left unmeasured; faces are measured.
    adult = Box("ADULT", 0.9, 0.0, 0.0, 1.0, 1.0)
    (measured,) = with_skin([astronaut], [[adult, FACE_BOX]])
    assert measured[0].skin is None and measured[1].skin is not None and measured[1].skin >= 0.6


def test_the_false_faces_of_a_fractal_hold_almost_no_skin_tones():
    frames = _mandelbrot_frames(6)
    found = FaceDetector.from_config(current()).detect(list(frames))
    measured = [box for boxes in with_skin(list(frames), found) for box in boxes]
    assert len(measured) >= 3  # the false face this check is for
    assert all(box.skin is not None and box.skin < 0.15 for box in measured), measured
