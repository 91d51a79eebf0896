"""In headless Chromium: log in, drop a video on the dashboard's upload form, lose the connection in the
middle of the upload and see it resume, watch the celery-progress bar move as the workers push progress
over the WebSocket, and see the censored output when the job is done."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

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


# A file dropped on the form, as a person drags it from their desktop.
DROP_FILE = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "video/mp4"}));
  return transfer;
}"""


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"UPLOAD_CHUNK_BYTES": str(64 * 1024)}  # a small file in several chunks


class DroppedConnection:
    """Fails the upload's third chunk once, as a lost network does, and notes every chunk and offset."""

    def __init__(self) -> None:
        self.dropped, self.requests = False, list[tuple[str, str | None]]()

    def __call__(self, route: Route, request: Request) -> None:
        self.requests.append((request.method, request.headers.get("upload-offset")))
        if request.method == "PATCH" and not self.dropped and len(self.patches()) == 3:
            self.dropped = True
            route.abort("connectionreset")
        else:
            route.continue_()

    def patches(self) -> list[int]:
        return [int(offset or 0) for method, offset in self.requests if method == "PATCH"]


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
    network = DroppedConnection()
    page.route("**/api/v1/uploads/**", network)
    transfer = page.evaluate_handle(DROP_FILE, [base64.b64encode(clip.read_bytes()).decode(), clip.name])
    page.dispatch_event("form.upload", "drop", {"dataTransfer": transfer})
    page.wait_for_url(f"{site}/videos/*/", timeout=60_000)
    patches = network.patches()
    assert network.dropped and patches[2] == patches[3] == 2 * 64 * 1024, network.requests
    assert ("HEAD", None) in network.requests  # it asked the server where to go on from, and went on
    assert len(patches) == len(set(patches)) + 1 == -(-clip.stat().st_size // (64 * 1024)) + 1
    page.wait_for_selector("text=Moderation: Censored automatically", timeout=120_000)
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('widths'))")
    widths = [float(width.rstrip("%")) for width in seen if width]
    assert any(0 < w < 100 for w in widths), widths  # the bar moved while the job ran
    assert widths == sorted(widths) and widths[-1] == 100, widths  # it moved on, up to the end
    assert page.locator("figcaption", has_text="Censored").count() == 1
    # The browser itself decodes the censored MP4 (H.264/AAC, partly spliced) to a playable state.
    censored = "document.querySelector('video[src$=\"censored.mp4\"]')"
    page.wait_for_function(f"{censored} && {censored}.readyState >= 2", timeout=30_000)
    assert abs(page.evaluate(f"{censored}.duration") - 13.0) < 0.2
    assert page.get_by_role("cell", name="FACE", exact=True).count() == 1
