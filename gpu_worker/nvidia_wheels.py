"""NVIDIA's CUDA libraries from the wheels that `make install-gpu` installs, loaded before ONNX Runtime's CUDA
provider and CTranslate2 open them by name: a GPU worker then needs no LD_LIBRARY_PATH. Where no such wheel
is installed, nothing is loaded and the system's library path decides, as before."""

from __future__ import annotations

import ctypes
import functools
import importlib.util
from pathlib import Path

import onnxruntime as ort

# CTranslate2 4.8's wheel opens cuBLAS 12 by name; nvidia-cublas-cu12 ships it (Lt first: cuBLAS needs it).
CUBLAS_12 = ("libcublasLt.so.12", "libcublas.so.12")


@functools.cache
def load_for_onnx_runtime() -> None:
    """CUDA and cuDNN from NVIDIA's wheels, by ONNX Runtime's own loader (nothing in its CPU build)."""
    ort.preload_dlls()


@functools.cache
def load_for_ctranslate2() -> list[Path]:
    """cuBLAS 12 from NVIDIA's wheel, loaded globally so that CTranslate2's dlopen by name finds it; the
    files loaded."""
    folder = _wheel_folder("cublas")
    paths = [folder / name for name in CUBLAS_12] if folder else []
    loaded = [path for path in paths if path.is_file()]
    for path in loaded:
        ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    return loaded


def _wheel_folder(library: str) -> Path | None:
    """The lib folder of one of NVIDIA's wheels (site-packages/nvidia/<library>/lib), if installed."""
    spec = importlib.util.find_spec("nvidia")
    for root in (spec.submodule_search_locations or []) if spec else []:
        if (folder := Path(root) / library / "lib").is_dir():
            return folder
    return None
