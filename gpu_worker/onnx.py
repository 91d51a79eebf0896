"""ONNX Runtime sessions for the frame detectors and the text reader: configured providers and threads."""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError
from onnxruntime.capi import onnxruntime_pybind11_state as ort_state

from gpu_worker.config import GpuConfig
from gpu_worker.nvidia_wheels import load_for_onnx_runtime
from gpu_worker.types import ModelUnavailable

logger = logging.getLogger(__name__)

CUDA = "CUDAExecutionProvider"
Shape = Sequence[int | str]  # a tensor's dimensions; a str names a free (dynamic) dimension
ORT_LOAD_ERRORS = (
    ort_state.Fail,
    ort_state.InvalidArgument,
    ort_state.InvalidProtobuf,
    ort_state.NoSuchFile,
    ort_state.RuntimeException,
)
# Since IR version 4 initializers need not be listed as graph inputs; when they are, ONNX Runtime
# must treat them as overridable and cannot fold them (BatchNorm into Conv, for one).
FIRST_IR_WITHOUT_INITIALIZER_INPUTS = 4
# The messages of onnx.proto that we edit, with its field numbers (the onnx package is not a dependency).
ONNX_SUBSET: dict[str, list[tuple[str, int, str]]] = {
    "Dimension": [("dim_value", 1, "int64"), ("dim_param", 2, "string")],
    "TensorShape": [("dim", 1, "Dimension[]")],
    "TensorType": [("elem_type", 1, "int32"), ("shape", 2, "TensorShape")],
    "Type": [("tensor_type", 1, "TensorType")],
    "ValueInfo": [("name", 1, "string"), ("type", 2, "Type")],
    "Tensor": [("name", 8, "string")],
    "Graph": [("initializer", 5, "Tensor[]"), ("input", 11, "ValueInfo[]"), ("output", 12, "ValueInfo[]")],
    "Model": [("ir_version", 1, "int64"), ("graph", 7, "Graph")],
}


def create_session(
    model_path: Path, config: GpuConfig, *, shapes: Mapping[str, Shape] | None = None
) -> ort.InferenceSession:
    """Load an ONNX model for inference; `shapes` replaces the declared shapes of named inputs/outputs."""
    model = _prepare_model(_read_model(model_path), shapes or {})
    providers = _providers(config.onnx_providers, config.onnx_cuda_conv_search)
    wants_cuda = any(provider[0] == CUDA for provider in providers if isinstance(provider, tuple))
    if wants_cuda:
        load_for_onnx_runtime()
    try:
        session = ort.InferenceSession(model, _session_options(config.onnx_threads), providers=providers)
    except ORT_LOAD_ERRORS as error:
        raise ModelUnavailable(f"ONNX Runtime cannot load the model {model_path}: {error}") from error
    if wants_cuda and not runs_on_cuda(session):
        logger.warning(
            "ONNX Runtime could not start the CUDA provider for %s (see its error above); running on %s",
            model_path.name,
            ", ".join(session.get_providers()),
        )
    return session


def wheel_model_path(package: str, filename: str) -> Path:
    """The path of a model file shipped inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"The package {package!r}, which ships {filename}, is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / filename


def input_batch_is_dynamic(session: ort.InferenceSession) -> bool:
    """Whether the model takes any number of images at once (a named first input dimension)."""
    return not isinstance(session.get_inputs()[0].shape[0], int)


def runs_on_cuda(session: ort.InferenceSession) -> bool:
    """Whether the session runs on CUDA (its first provider; the others take what CUDA cannot)."""
    return session.get_providers()[0] == CUDA


def run_in_batches(
    session: ort.InferenceSession,
    output_names: Sequence[str] | None,
    input_name: str,
    blobs: Sequence[np.ndarray],
    batch_size: int,
    *,
    padded: bool,
) -> Iterator[list[np.ndarray]]:
    """The session's outputs for blobs of one shape, batch by batch, each output one row per blob.

    `padded` fills every batch up to batch_size with blank images, whose rows are dropped: the input's shape
    then never changes. The CUDA provider keeps, for each convolution, a cuDNN plan for the last input shape
    it met, and builds a new one, with cuDNN's search, whenever the shape changes (ONNX Runtime's conv.cc).
    Unpadded, CenterFace's input changed on 16 of its 46 runs over the bench video: the likely cause of the
    detectors' slowness on an H200 (bench/RESULTS.md)."""
    for start in range(0, len(blobs), batch_size):
        batch = np.stack(blobs[start : start + batch_size])
        count = len(batch)
        if padded and count < batch_size:
            blank = np.zeros((batch_size - count, *batch.shape[1:]), batch.dtype)
            batch = np.concatenate([batch, blank])
        outputs = session.run(output_names, {input_name: batch})
        yield [output[:count] for output in outputs]


def _read_model(model_path: Path) -> bytes:
    try:
        return model_path.read_bytes()
    except OSError as error:
        raise ModelUnavailable(f"Cannot read the model file {model_path}: {error.strerror}") from error


def _session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # Idle pool threads sleep instead of spinning: other work runs beside a model (renders, the index
    # stage, other models where EXCLUSIVE_STAGES_AT_ONCE allows), and spinning threads take the cores it
    # needs. Detecting 300 frames beside transcribing 5 minutes of speech, on 2 cores: 48.5-50.3 s with
    # spinning, 41.6-42.8 s without; detect alone 17.9 -> 16.7 s.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: old exports warn once per initializer
    return options


def _providers(wanted: Sequence[str], conv_search: str) -> list[str | tuple[str, dict[str, str]]]:
    """The wanted providers this ONNX Runtime has, CUDA's with its convolution search."""
    available = ort.get_available_providers()
    chosen = [provider for provider in wanted if provider in available]
    if skipped := [provider for provider in wanted if provider not in available]:
        logger.warning("ONNX Runtime providers not available here, skipped: %s", ", ".join(skipped))
    if not chosen:
        raise ModelUnavailable(f"None of ONNX_PROVIDERS is available; this ONNX Runtime offers {available}.")
    return [(name, {"cudnn_conv_algo_search": conv_search}) if name == CUDA else name for name in chosen]


def _prepare_model(model_bytes: bytes, shapes: Mapping[str, Shape]) -> bytes:
    """The model with its initializers out of the graph inputs and the given tensor shapes."""
    try:
        model: Any = _onnx_model_class().FromString(model_bytes)
    except DecodeError as error:
        raise ModelUnavailable(f"Not an ONNX model: {error}") from error
    graph = model.graph
    if model.ir_version >= FIRST_IR_WITHOUT_INITIALIZER_INPUTS:
        initializers = {initializer.name for initializer in graph.initializer}
        inputs = [value for value in graph.input if value.name not in initializers]
        del graph.input[:]
        graph.input.extend(inputs)
    for value in [*graph.input, *graph.output]:
        if value.name in shapes:
            _set_shape(value.type.tensor_type.shape, shapes[value.name])
    serialized: bytes = model.SerializeToString()
    return serialized


def _set_shape(shape: Any, dims: Shape) -> None:
    del shape.dim[:]
    for dim in dims:
        if isinstance(dim, str):
            shape.dim.add().dim_param = dim
        else:
            shape.dim.add().dim_value = dim


@functools.cache
def _onnx_model_class() -> Any:
    """The ONNX ModelProto, reduced to the fields we edit; all other fields pass through untouched."""
    file = descriptor_pb2.FileDescriptorProto(
        name="onnx_subset.proto", package="onnx_subset", syntax="proto2"
    )
    for name, fields in ONNX_SUBSET.items():
        _add_message(file, name, fields)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("onnx_subset.Model"))


def _add_message(file: Any, name: str, fields: list[tuple[str, int, str]]) -> None:
    proto = descriptor_pb2.FieldDescriptorProto
    scalars = {"int32": proto.TYPE_INT32, "int64": proto.TYPE_INT64, "string": proto.TYPE_STRING}
    message = file.message_type.add(name=name)
    for field_name, number, kind in fields:
        field = message.field.add(name=field_name, number=number, label=proto.LABEL_OPTIONAL)
        if kind.endswith("[]"):
            field.label = proto.LABEL_REPEATED
            kind = kind[:-2]
        if kind in scalars:
            field.type = scalars[kind]
        else:
            field.type = proto.TYPE_MESSAGE
            field.type_name = f".onnx_subset.{kind}"
