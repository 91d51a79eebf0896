"""The case page's timeline: the flags over the video's duration, drawn as SVG on the server."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from moderation.models import Action, Flag, Kind

WIDTH, ROW, GAP = 800, 14, 4
COLOURS = {Kind.NUDITY: "#d93025", Kind.FACE: "#1a73e8", Kind.PROFANITY: "#f9ab00"}
ROWS = {kind: index for index, kind in enumerate(Kind)}
BAR = (
    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" opacity="{}" data-seek="{}">'
    "<title>{} {} {}-{} s ({})</title></rect>"
)
SVG = (
    '<svg class="timeline" viewBox="0 0 {} {}" width="100%" role="img" aria-label="Flags over time">{}</svg>'
)


def _bar(flag: Flag, scale: float) -> tuple[object, ...]:
    kind = Kind(flag.kind)
    x, width = round(flag.start * scale, 1), max(2.0, round((flag.end - flag.start) * scale, 1))
    opacity = "0.3" if flag.action == Action.IGNORE else "1"
    title = (
        flag.get_kind_display(),
        flag.label,
        f"{flag.start:.1f}",
        f"{flag.end:.1f}",
        flag.get_action_display(),
    )
    return (x, ROWS[kind] * (ROW + GAP), width, ROW, COLOURS[kind], opacity, f"{flag.start:.2f}", *title)


def timeline_svg(flags: Iterable[Flag], duration: float) -> SafeString:
    """One row per kind; each flag a bar from its start to its end; a click seeks the players there."""
    scale = WIDTH / max(duration, 0.001)
    bars = format_html_join("", BAR, (_bar(flag, scale) for flag in flags))
    return format_html(SVG, WIDTH, len(ROWS) * (ROW + GAP), bars)
