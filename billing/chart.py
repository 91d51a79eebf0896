"""The billing page's usage chart: minutes per day of the period, drawn as SVG on the server."""

from __future__ import annotations

from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP = 800, 160, 10
BAR = '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6fed"><title>{}: {} min</title></rect>'
SVG = (
    '<svg class="usage-chart" viewBox="0 0 {} {}" width="100%" role="img" '
    'aria-label="Processed minutes per day, {} in this period">{}</svg>'
)


def usage_svg(days: list[tuple[datetime, float]]) -> SafeString:
    """One bar per day, scaled to the busiest day; the total is in the label for screen readers."""
    top = max((minutes for _, minutes in days), default=0.0) or 1.0
    step = WIDTH / max(len(days), 1)

    def bar(index: int, day: datetime, minutes: float) -> tuple[object, ...]:
        height = round((HEIGHT - TOP) * minutes / top, 1)
        return (round(index * step + 1, 1), round(HEIGHT - height, 1), round(max(step - 2, 1), 1), height,
                f"{day:%Y-%m-%d}", f"{minutes:.1f}")  # fmt: skip

    bars = format_html_join("", BAR, (bar(i, day, minutes) for i, (day, minutes) in enumerate(days)))
    total = f"{sum(minutes for _, minutes in days):.1f} minutes"
    return format_html(SVG, WIDTH, HEIGHT, total, bars)
