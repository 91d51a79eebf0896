"""Screenshots of the main pages for the README, taken by the browser tests when SCREENSHOTS_DIR is set
(`make screenshots` writes them to docs/screenshots/); otherwise nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

WIDTH, HEIGHT = 1280, 800


def take(page: Page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else WIDTH
    if width != WIDTH:
        return  # only the desktop layout goes in the README
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
