"""Bar charts drawn as SVG on the server (the billing page's usage, search analytics): no chart library, no
script, a label for screen readers. Each bar is a day; a bar may hold a part of itself drawn darker inside
it (searches, and those that got a click)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP = 800, 160, 10
LIGHT, DARK = "#9db8f5", "#2f6fed"
RECT = '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
SVG = '<svg class="usage-chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">{}</svg>'


def bars_svg(bars: Sequence[tuple[str, Sequence[float]]], label: str) -> SafeString:
    """`bars`: (tooltip, heights) per bar, left to right; the first height is the bar, any later ones parts of
    it drawn over it, the last darkest. Every bar is scaled to the tallest."""
    top = max((heights[0] for _, heights in bars), default=0) or 1
    step = WIDTH / max(len(bars), 1)
    width = round(max(step - 2, 1), 1)

    def bar(index: int, title: str, heights: Sequence[float]) -> SafeString:
        colours = [LIGHT] * (len(heights) - 1) + [DARK]
        tall = [round((HEIGHT - TOP) * height / top, 1) for height in heights]
        x = round(index * step + 1, 1)
        rects = format_html_join(
            "", RECT, ((x, round(HEIGHT - t, 1), width, t, c) for t, c in zip(tall, colours, strict=True))
        )
        return format_html("<g><title>{}</title>{}</g>", title, rects)

    drawn = format_html_join("", "{}", ((bar(i, title, heights),) for i, (title, heights) in enumerate(bars)))
    return format_html(SVG, WIDTH, HEIGHT, label, drawn)
