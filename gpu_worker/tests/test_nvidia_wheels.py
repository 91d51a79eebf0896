"""NVIDIA's wheels are found where `make install-gpu` puts them; a folder without cuBLAS 12 loads nothing.
(Loading the real cuBLAS 12 wheel was checked by hand in a venv made by `make install-gpu`: CTranslate2's
name for it, libcublas.so.12, then opens with no LD_LIBRARY_PATH.)"""

from __future__ import annotations

import importlib
from pathlib import Path

from gpu_worker import nvidia_wheels


def test_the_cublas_wheels_folder_is_found_on_the_path(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "nvidia" / "cublas" / "lib"
    folder.mkdir(parents=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()

    assert nvidia_wheels._wheel_folder("cublas") == folder
    assert nvidia_wheels._wheel_folder("no_such_library") is None
    assert nvidia_wheels.load_for_ctranslate2.__wrapped__() == []  # the folder holds no cuBLAS 12
