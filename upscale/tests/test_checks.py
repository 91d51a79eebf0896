"""Torch weights through spandrel are not available here (spandrel 0.4 imports torchvision): a configured
UPSCALE_WEIGHTS_PATH is reported by a system check and refused by the upscaler, never run silently."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gpu_worker.types import ModelUnavailable
from gpu_worker.upscaling import upscaler
from upscale.apps import check_weights_path


def test_no_warning_without_a_weights_path():
    assert check_weights_path() == []


@override_settings(UPSCALE_WEIGHTS_PATH="/models/RealESRGAN_x4plus.pth")
def test_a_weights_path_is_reported_and_refused_with_the_reason():
    (warning,) = check_weights_path()
    assert warning.id == "upscale.W001" and "spandrel" in warning.msg
    with pytest.raises(ModelUnavailable, match="UPSCALE_WEIGHTS_PATH is set, but spandrel"):
        upscaler("animevideov3", 2)
