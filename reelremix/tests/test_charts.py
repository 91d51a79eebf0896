"""reelremix.charts: bars scaled to the tallest, inner parts drawn over their bar, text escaped."""

import re

from reelremix.charts import DARK, HEIGHT, LIGHT, TOP, bars_svg


def test_it_scales_bars_to_the_tallest_and_draws_parts_inside_them():
    svg = bars_svg([("mon", [10, 5]), ("tue <b>", [20, 0])], 'Searches & "clicks"')
    rects = re.findall(r'<rect x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)" fill="([^"]+)">', svg)
    full = HEIGHT - TOP
    assert [(float(h), colour) for _, h, colour in rects] == [
        (full / 2, LIGHT), (full / 4, DARK), (full, LIGHT), (0.0, DARK),
    ]  # fmt: skip
    assert all(float(y) + float(h) == HEIGHT for y, h, _ in rects)  # every bar stands on the axis
    assert "<title>tue &lt;b&gt;</title>" in svg and 'aria-label="Searches &amp; &quot;clicks&quot;"' in svg


def test_an_empty_chart_has_no_bars():
    assert "<rect" not in bars_svg([], "nothing yet")
