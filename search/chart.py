"""The analytics page's chart: searches per day, and those with a click, drawn as SVG on the server (as
billing draws its usage chart: no chart library, no script)."""

from __future__ import annotations

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP = 800, 160, 10
DAY = (
    "<g><title>{}: {} searches, {} with a click</title>"
    '<rect x="{}" y="{}" width="{}" height="{}" fill="#9db8f5"></rect>'
    '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6fed"></rect></g>'
)
SVG = (
    '<svg class="usage-chart" viewBox="0 0 {} {}" width="100%" role="img" '
    'aria-label="Searches per day over {} days: {} searches, {} with a click">{}</svg>'
)


def searches_svg(days: list[tuple[date, int, int]]) -> SafeString:
    """One bar per day scaled to the busiest day, its clicked part drawn darker inside it; the totals are in
    the label for screen readers (the page also lists the days in a table)."""
    top = max((searches for _, searches, _ in days), default=0) or 1
    step = WIDTH / max(len(days), 1)
    width = round(max(step - 2, 1), 1)

    def day_bar(index: int, day: date, searches: int, clicked: int) -> tuple[object, ...]:
        x = round(index * step + 1, 1)
        tall, clicked_tall = (round((HEIGHT - TOP) * n / top, 1) for n in (searches, clicked))
        return (f"{day:%Y-%m-%d}", searches, clicked, x, round(HEIGHT - tall, 1), width, tall,
                x, round(HEIGHT - clicked_tall, 1), width, clicked_tall)  # fmt: skip

    bars = format_html_join("", DAY, (day_bar(i, *day) for i, day in enumerate(days)))
    total, clicked = sum(day[1] for day in days), sum(day[2] for day in days)
    return format_html(SVG, WIDTH, HEIGHT, len(days), total, clicked, bars)
