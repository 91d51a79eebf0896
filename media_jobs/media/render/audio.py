"""The audio half of a censored render: the source's main audio copied, or bleeped and muted to the sample."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.stream import Disposition, Stream

from media_jobs.media.types import AudioCensor

BLEEP_HZ = 1000.0
BLEEP_AMPLITUDE = 0.5  # -6 dBFS: clearly a bleep, never clipping
AAC_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000})
AAC_BIT_RATE = 128_000


@dataclass(frozen=True)
class AudioOutput:
    """The output's audio stream and the packets to mux into it, in decode order."""

    stream: Stream
    packets: Iterator[av.Packet]
    reencoded: bool


def main_audio_index(path: Path) -> int | None:
    """Index of the audio stream a player would pick: the default one, else the first; None without audio."""
    with av.open(str(path)) as container:  # stream objects die with their container: read them inside
        streams = list(container.streams.audio)
        defaults = [stream for stream in streams if stream.disposition & Disposition.default]
        return (defaults or streams)[0].index if streams else None


def open_audio_output(
    path: Path, index: int, censors: Sequence[AudioCensor], origin: float, output: OutputContainer
) -> AudioOutput:
    """Add the audio stream to the output: a copy when AAC needs no censoring, else a censored AAC encode."""
    with av.open(str(path)) as container:
        source = container.streams[index]
        assert isinstance(source, AudioStream)
        if source.codec_context.name == "aac" and not censors:
            copy = output.add_stream_from_template(source)
            return AudioOutput(copy, _copied_packets(path, index, copy), reencoded=False)
        rate = source.rate if source.rate in AAC_RATES else 48_000
        layout = "mono" if source.channels == 1 else "stereo"  # what every browser plays
    stream = output.add_stream("aac", rate=rate, layout=layout)
    stream.time_base = Fraction(1, rate)
    stream.codec_context.bit_rate = AAC_BIT_RATE
    return AudioOutput(stream, _censored_packets(path, index, censors, origin, stream), reencoded=True)


def _copied_packets(path: Path, index: int, stream: Stream) -> Iterator[av.Packet]:
    with av.open(str(path)) as container:
        for packet in container.demux(container.streams[index]):
            if packet.size:
                packet.stream = stream
                yield packet


def _censored_packets(
    path: Path, index: int, censors: Sequence[AudioCensor], origin: float, stream: AudioStream
) -> Iterator[av.Packet]:
    for frame in _censored_frames(path, index, censors, origin, stream):
        yield from stream.encode(frame)
    yield from stream.encode(None)


def _censored_frames(
    path: Path, index: int, censors: Sequence[AudioCensor], origin: float, stream: AudioStream
) -> Iterator[av.AudioFrame]:
    """The source audio decoded, converted to the output's rate and channels, and censored."""
    resampler = av.AudioResampler(format="fltp", layout=stream.layout.name, rate=stream.rate)
    position = 0  # index of the frame's first sample, counted on when a decoder leaves pts out
    with av.open(str(path)) as container:
        decoded_stream = cast(AudioStream, container.streams[index])
        end = _end_sample(decoded_stream, origin, stream.rate)
        for decoded in chain(container.decode(decoded_stream), [None]):
            for frame in resampler.resample(decoded):
                if frame.pts is not None:
                    time_base = frame.time_base or Fraction(1, frame.sample_rate)
                    position = round((float(frame.pts * time_base) - origin) * frame.sample_rate)
                kept = frame.samples if end is None else min(frame.samples, end - position)
                if kept > 0:
                    yield _censored(frame, position, censors, kept)
                position += frame.samples


def _end_sample(source: AudioStream, origin: float, rate: int) -> int | None:
    """Where the source track says its audio ends: decoders also return the encoder's padding after it."""
    if source.duration is None or source.time_base is None:
        return None
    return round((float(((source.start_time or 0) + source.duration) * source.time_base) - origin) * rate)


def _censored(frame: av.AudioFrame, first: int, censors: Sequence[AudioCensor], kept: int) -> av.AudioFrame:
    samples = np.ascontiguousarray(frame.to_ndarray()[:, :kept], dtype=np.float32)
    censor_samples(samples, first, frame.sample_rate, censors)
    censored = av.AudioFrame.from_ndarray(samples, format="fltp", layout=frame.layout.name)
    censored.sample_rate, censored.pts, censored.time_base = frame.sample_rate, frame.pts, frame.time_base
    return censored


def censor_samples(samples: np.ndarray, first: int, rate: int, censors: Sequence[AudioCensor]) -> None:
    """Mute or bleep in place the samples (channels x n, the first at index `first`) inside a censor span."""
    # A span [start, end] covers the samples with index in [round(start * rate), round(end * rate)).
    for censor in censors:
        start = max(round(censor.start * rate) - first, 0)
        stop = min(round(censor.end * rate) - first, samples.shape[1])
        if start >= stop:
            continue
        if censor.mode == "mute":
            samples[:, start:stop] = 0.0
        else:
            # The phase follows the absolute sample index: a bleep split across frames stays one clean tone.
            phase = 2 * np.pi * BLEEP_HZ * (first + np.arange(start, stop)) / rate
            samples[:, start:stop] = BLEEP_AMPLITUDE * np.sin(phase)
