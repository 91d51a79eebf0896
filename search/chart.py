"""The analytics page's chart: searches per day, and those with a click (`reelremix.charts`)."""

from __future__ import annotations

from datetime import date

from django.utils.safestring import SafeString

from reelremix.charts import bars_svg


def searches_svg(days: list[tuple[date, int, int]]) -> SafeString:
    """One bar per day scaled to the busiest day, its clicked part drawn darker inside it; the totals are in
    the label for screen readers (the page also lists the days in a table)."""
    bars = [
        (f"{day:%Y-%m-%d}: {searches} searches, {clicked} with a click", [searches, clicked])
        for day, searches, clicked in days
    ]
    total, clicked = sum(day[1] for day in days), sum(day[2] for day in days)
    return bars_svg(bars, f"Searches per day over {len(days)} days: {total} searches, {clicked} with a click")
