"""A recap's footage: its source videos one after another on one timeline, and their shots numbered along
it. Cuts, anchors and a scene's shots are in these terms; a single-video recap's timeline is its video."""

from __future__ import annotations

from dataclasses import dataclass

from recaps.models import Recap, RecapSource, Shot


@dataclass(frozen=True)
class FootageShot:
    number: int  # along the footage: the first video's shots, then the second's...
    video_id: int
    index: int  # the shot's own number in its video
    start: float  # footage seconds
    end: float


def sources_of(recap: Recap) -> list[RecapSource]:
    return list(recap.sources.select_related("video").order_by("position"))


def footage_shots(recap: Recap) -> list[FootageShot]:
    sources = list(recap.sources.all())
    offsets = {source.video_id: source.offset for source in sources}
    order = {source.video_id: source.position for source in sources}
    rows = sorted(
        Shot.objects.filter(video_id__in=offsets).values_list("video_id", "index", "start", "end"),
        key=lambda row: (order[row[0]], row[1]),
    )
    return [
        FootageShot(number, video, index, offsets[video] + start, offsets[video] + end)
        for number, (video, index, start, end) in enumerate(rows)
    ]


def footage_seconds(recap: Recap) -> float:
    return sum(source.video.duration for source in sources_of(recap))
