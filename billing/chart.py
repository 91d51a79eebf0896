"""The billing page's usage chart: minutes per day of the period (`reelremix.charts`)."""

from __future__ import annotations

from datetime import datetime

from django.utils.safestring import SafeString

from reelremix.charts import bars_svg


def usage_svg(days: list[tuple[datetime, float]]) -> SafeString:
    """One bar per day, scaled to the busiest day; the total is in the label for screen readers."""
    bars = [(f"{day:%Y-%m-%d}: {minutes:.1f} min", [minutes]) for day, minutes in days]
    total = sum(minutes for _, minutes in days)
    return bars_svg(bars, f"Processed minutes per day, {total:.1f} minutes in this period")
