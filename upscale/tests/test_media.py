"""The media side of upscaling on tiny files: decoding upright frames, encoding a chunk (with lanczos
finishing the size), joining chunks with the source's audio copied untouched."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from gpu_worker.upscaling import Upscaler
from media_jobs.media.probe import probe_media
from media_jobs.tests.media_factory import make_marked_video
from upscale.media.assemble import assemble, output_suffix
from upscale.media.encoder import ChunkEncoder
from upscale.media.frames import frame_rate, upright_frames
from upscale.tests.factories import audio_packets, decoded_frames, make_source, psnr


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return make_source(tmp_path_factory.mktemp("upscale-media") / "source.mp4", frames=10)


def _encode_chunks(source: Path, folder: Path, upscale, size_in, size_out, per_chunk: int) -> list[Path]:
    frames = [frame for _, frame in upright_frames(source, 0) if frame is not None]
    paths = []
    for first in range(0, len(frames), per_chunk):
        path = folder / f"chunk-{first}.mp4"
        with ChunkEncoder(path, size_in, size_out, frame_rate(source)) as encoder:
            for frame in frames[first : first + per_chunk]:
                encoder.write(upscale(frame))
        paths.append(path)
    return paths


def test_it_joins_upscaled_chunks_with_every_frame_and_the_audio_untouched(source, tmp_path):
    model = Upscaler("animevideov3", 2)
    chunks = _encode_chunks(source, tmp_path, model.upscale, (128, 72), (128, 72), per_chunk=4)
    out = tmp_path / "out.mp4"
    assemble(chunks, source, out)
    info = probe_media(out)
    assert (info.width, info.height, info.fps) == (128, 72, 10.0)
    frames, originals = decoded_frames(out), decoded_frames(source)
    assert len(frames) == len(originals) == 10
    # each output frame is the model's upscale of its own source frame (4:2:0 and CRF 18 lose a little):
    # no other frame's upscale matches it better
    expected = [model.upscale(frame) for frame in originals]
    assert min(psnr(f, e) for f, e in zip(frames, expected, strict=True)) > 28
    assert all(max(psnr(f, e) for e in expected) <= psnr(f, expected[i]) + 0.1 for i, f in enumerate(frames))
    assert audio_packets(out) == audio_packets(source) and len(audio_packets(source)) > 5
    assert abs(info.duration - probe_media(source).duration) < 0.1


def test_lanczos_finishes_the_size_the_model_does_not_reach(source, tmp_path):
    chunks = _encode_chunks(source, tmp_path, lambda frame: frame, (64, 36), (1280, 720), per_chunk=10)
    out = tmp_path / "out.mp4"
    assemble(chunks, source, out)
    frames = decoded_frames(out)
    assert len(frames) == 10 and frames[0].shape == (720, 1280, 3)


def test_frames_come_upright_and_skipped_ones_are_not_converted(tmp_path):
    turned = make_marked_video(tmp_path / "turned.mp4", rotation=90, size="64x48", duration=0.4)
    found = list(upright_frames(turned, probe_media(turned).rotation, start=2))
    assert [frame is None for _, frame in found[:3]] == [True, True, False]
    assert found[2][1] is not None and found[2][1].shape == (64, 48, 3)  # 48 wide once upright


def test_audio_an_mp4_cannot_hold_goes_to_matroska():
    assert output_suffix("aac") == output_suffix("") == ".mp4"
    assert output_suffix("pcm_s16le") == ".mkv"


def test_a_frame_of_the_wrong_size_is_refused(tmp_path):
    from media_jobs.media.types import MediaProcessingError

    with (
        pytest.raises(MediaProcessingError),
        ChunkEncoder(tmp_path / "x.mp4", (8, 8), (8, 8), Fraction(10)) as enc,
    ):
        enc.write(np.zeros((4, 4, 3), np.uint8))
