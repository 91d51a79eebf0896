"""Sampled frames that show the same picture as an earlier one: a slide, the still cover of a podcast, a
paused screen recording. The detectors would find the same boxes in them again; the detect and read_text
stages reuse what they found in the first.

Two frames show the same picture when every cell of a coarse grid has kept its mean colour: compression noise
averages out inside a cell, while anything that appears or moves changes the cells it covers (a 25 px face in
a 640 px frame fills several cells of 10 px). Each frame is compared with the last frame that showed something
new, never with its predecessor alone, so a slow fade or pan adds up until a frame counts as new.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

GRID = (64, 36)  # cells across and down, whatever the frame's size
# Of 255: the most any cell's mean may move, in any channel, for the same picture. A still picture stored as
# JPEG twice, with other grain, moves a few cells by up to 5; a faint 25 px change moves whole cells by 15.
SAME_LEVEL = 8.0


class StillPicture:
    """The last picture that showed something new, and whether a frame shows it again."""

    def __init__(self) -> None:
        self._grid: np.ndarray | None = None

    def shows_again(self, image: np.ndarray) -> bool:
        """Whether `image` shows the picture again; if not, it is the picture later frames are held to."""
        grid = cv2.resize(image, GRID, interpolation=cv2.INTER_AREA).astype(np.int16)
        if self._grid is not None and np.abs(grid - self._grid).max() <= SAME_LEVEL:
            return True
        self._grid = grid
        return False


def first_showings(images: Sequence[np.ndarray]) -> list[int]:
    """For each image, the index of the image that first showed its picture: its own index when it shows
    something new, else that of an earlier image it repeats."""
    picture, shown, first = StillPicture(), [], -1
    for index, image in enumerate(images):
        if not picture.shows_again(image):
            first = index
        shown.append(first)
    return shown
