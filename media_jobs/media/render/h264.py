"""H.264 bitstream plumbing for splicing re-encoded GOPs between copied ones (avcC, NAL units)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

NAL_IDR = 5
NAL_SPS = 7
NAL_PPS = 8
NAL_AUD = 9
MAX_SPS_ID = 31  # H.264 allows SPS ids 0..31 (PPS ids go to 255, x264 gives both the same id)
_START_CODE = re.compile(b"\x00\x00\x01")


@dataclass(frozen=True)
class AvcConfig:
    """An AVCDecoderConfigurationRecord (the avcC box): parameter sets and NAL length size."""

    profile: bytes  # profile_idc, profile_compatibility, level_idc
    length_size: int
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]
    extension: bytes  # chroma format and bit depth bytes of High profiles, kept verbatim


def parse_avcc(extradata: bytes) -> AvcConfig:
    """Read an avcC record; ValueError when the extradata is not one (e.g. Annex B headers)."""
    if len(extradata) < 7 or extradata[0] != 1:
        raise ValueError("H.264 extradata is not an avcC record")
    sps, offset = _read_sets(extradata, 6, extradata[5] & 0x1F)
    pps, offset = _read_sets(extradata, offset + 1, extradata[offset])
    return AvcConfig(extradata[1:4], (extradata[4] & 0x03) + 1, sps, pps, extradata[offset:])


def _read_sets(record: bytes, offset: int, count: int) -> tuple[tuple[bytes, ...], int]:
    sets = []
    for _ in range(count):
        size = int.from_bytes(record[offset : offset + 2], "big")
        sets.append(record[offset + 2 : offset + 2 + size])
        offset += 2 + size
    if offset > len(record):
        raise ValueError("truncated avcC record")
    return tuple(sets), offset


def build_avcc(config: AvcConfig) -> bytes:
    """Serialise an avcC record."""
    record = bytearray([1, *config.profile, 0xFC | (config.length_size - 1), 0xE0 | len(config.sps)])
    for nal in config.sps:
        record += len(nal).to_bytes(2, "big") + nal
    record.append(len(config.pps))
    for nal in config.pps:
        record += len(nal).to_bytes(2, "big") + nal
    return bytes(record + config.extension)


def with_parameter_sets(config: AvcConfig, sps: Iterable[bytes], pps: Iterable[bytes]) -> AvcConfig:
    """The same record with more SPS/PPS (they must use ids the record does not)."""
    return AvcConfig(
        config.profile, config.length_size, config.sps + tuple(sps), config.pps + tuple(pps), config.extension
    )


def length_prefixed_nals(payload: bytes, length_size: int) -> Iterator[bytes]:
    """The NAL units of one MP4 sample."""
    offset = 0
    while offset + length_size <= len(payload):
        size = int.from_bytes(payload[offset : offset + length_size], "big")
        offset += length_size
        if size:
            yield payload[offset : offset + size]
        offset += size


def annexb_nals(payload: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start-code separated)."""
    # A 4-byte start code leaves a trailing zero on the previous unit; trailing zeros are never payload.
    return [nal.rstrip(b"\x00") for nal in _START_CODE.split(payload) if nal.strip(b"\x00")]


def to_length_prefixed(nals: Iterable[bytes], length_size: int) -> bytes:
    """Join NAL units as an MP4 sample."""
    return b"".join(len(nal).to_bytes(length_size, "big") + nal for nal in nals)


def nal_type(nal: bytes) -> int:
    """nal_unit_type of a NAL unit."""
    return nal[0] & 0x1F


def has_idr(nals: Iterable[bytes]) -> bool:
    """Whether these NAL units (one sample's) hold an IDR picture: a closed-GOP entry point."""
    return any(nal_type(nal) == NAL_IDR for nal in nals)


def parameter_set_ids(nals: Iterable[bytes]) -> set[int]:
    """The ids that the SPS and PPS units among these NAL units take."""
    return {
        sps_id(nal) if nal_type(nal) == NAL_SPS else pps_id(nal)
        for nal in nals
        if nal_type(nal) in (NAL_SPS, NAL_PPS)
    }


def sps_id(nal: bytes) -> int:
    """seq_parameter_set_id of an SPS NAL unit."""
    return _exp_golomb(_rbsp(nal[4:12]))


def pps_id(nal: bytes) -> int:
    """pic_parameter_set_id of a PPS NAL unit."""
    return _exp_golomb(_rbsp(nal[1:9]))


def free_parameter_set_id(taken: set[int]) -> int | None:
    """The smallest SPS/PPS id not taken, or None when all are."""
    return next((candidate for candidate in range(MAX_SPS_ID + 1) if candidate not in taken), None)


def _rbsp(data: bytes) -> bytes:
    return data.replace(b"\x00\x00\x03", b"\x00\x00")


def _exp_golomb(data: bytes) -> int:
    bits = "".join(f"{byte:08b}" for byte in data)
    zeros = len(bits) - len(bits.lstrip("0"))
    return int(bits[zeros : 2 * zeros + 1], 2) - 1
