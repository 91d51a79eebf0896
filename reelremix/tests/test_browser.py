"""In headless Chromium: log in, upload a video from the dashboard, watch the celery-progress bar move
as the workers push progress over the WebSocket, and see the censored output when the job is done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from reelremix.demo_video import DEMO_SPEECH, make_face_video
from reelremix.tests.stack import ADMIN_PASSWORD, Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]

# Every width the bar takes, kept across the reload that follows the job's success.
RECORD_WIDTHS = """
new MutationObserver(() => {
  const bar = document.getElementById("progress-bar");
  if (!bar) return;
  const seen = JSON.parse(sessionStorage.getItem("widths") || "[]");
  if (seen[seen.length - 1] !== bar.style.width) seen.push(bar.style.width);
  sessionStorage.setItem("widths", JSON.stringify(seen));
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["style"]});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _log_in(page: Page, site: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")


def test_it_shows_live_progress_and_the_censored_video(stack: Stack, browser: Browser, tmp_path: Path):
    clip = tmp_path / "launch.mp4"
    # The face shows from 4 to 7 s only, so the censored output is spliced: re-encoded GOPs among copied ones.
    make_face_video(clip, DEMO_SPEECH, 13.0, size=(480, 270), fps=25, gop=50, face_between=(4.0, 7.0))
    stack.wait_for("Press Ctrl-C to stop.")
    site = f"http://demo.localhost:{stack.port}"  # Chromium sends *.localhost to this machine
    page = browser.new_page()
    page.add_init_script(RECORD_WIDTHS)
    _log_in(page, site)
    page.set_input_files("input[name=file]", str(clip))
    page.click("text=Upload and moderate")
    page.wait_for_selector("text=Moderation: Censored automatically", timeout=120_000)
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('widths'))")
    widths = [float(width.rstrip("%")) for width in seen if width]
    assert any(0 < w < 100 for w in widths), widths  # the bar moved while the job ran
    assert widths == sorted(widths)
    assert page.locator("figcaption", has_text="Censored").count() == 1
    # The browser itself decodes the censored MP4 (H.264/AAC, partly spliced) to a playable state.
    censored = "document.querySelector('video[src$=\"censored.mp4\"]')"
    page.wait_for_function(f"{censored} && {censored}.readyState >= 2", timeout=30_000)
    assert abs(page.evaluate(f"{censored}.duration") - 13.0) < 0.2
    assert page.get_by_role("cell", name="FACE", exact=True).count() == 1
