"""One full triage in headless Chromium, as a moderator does it: open the queue, claim the case,
confirm a flag, approve with censoring, and see the re-rendered censored output."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from reelremix.demo_video import DEMO_SPEECH, make_face_video
from reelremix.tests.stack import Stack
from reelremix.tests.test_browser import _log_in, browser  # noqa: F401  (the browser fixture)


def _send_faces_to_review(page: Page, site: str) -> None:
    """Through the policy page: faces wait for a moderator instead of being blurred automatically."""
    page.goto(f"{site}/admin/moderation/policy/")
    page.click("text=Moderation policy")
    page.fill("input[name=face_censor_above]", "1.01")
    page.click("input[name=_save]")
    page.wait_for_url(f"{site}/admin/moderation/policy/")


def _upload_and_wait(page: Page, site: str, clip: Path) -> None:
    page.goto(f"{site}/")
    page.set_input_files("input[name=file]", str(clip))
    page.click("text=Upload and moderate")
    page.wait_for_selector("text=Moderation: Waiting for a moderator", timeout=120_000)


def test_a_moderator_triages_a_case_end_to_end(stack: Stack, browser: Browser, tmp_path: Path):  # noqa: F811
    clip = tmp_path / "interview.mp4"
    make_face_video(clip, DEMO_SPEECH, 8.0, size=(480, 270), fps=25, gop=25, face_between=(2.0, 5.0))
    stack.wait_for("Press Ctrl-C to stop.")
    site = f"http://demo.localhost:{stack.port}"
    page = browser.new_page()
    _log_in(page, site)
    _send_faces_to_review(page, site)
    _upload_and_wait(page, site, clip)
    video_page = page.url

    page.goto(f"{site}/admin/moderation/case/")  # the queue
    page.click("text=interview")
    page.click("button[value=claim]")
    page.wait_for_selector("text=claimed by admin")
    faces = page.locator("#triage tr[data-kind=face]")
    for index in range(faces.count()):  # the face may be tracked as more than one span
        faces.nth(index).locator("button[value=confirmed]").click()
        page.wait_for_load_state()
    assert page.locator("#triage td:text-is('Confirmed')").count() == faces.count() > 0
    _redraw_the_box(page, faces.first)
    page.fill("form[action='decide/'] input[name=reason]", "blur the interviewee")
    page.click("button[value=approve_censored]")
    page.wait_for_selector("text=Approved with censoring")
    history = page.locator("#decisions-group").inner_text()
    assert "Claimed" in history and "Confirmed a flag" in history and "blur the interviewee" in history
    assert "Adjusted a flag" in history and "cover the whole head" in history

    _wait_for_the_render(page)
    page.goto(video_page)
    censored = "document.querySelector('video[src$=\"censored.mp4\"]')"
    page.wait_for_function(f"{censored} && {censored}.readyState >= 2", timeout=30_000)


def _redraw_the_box(page: Page, flag_row: Locator) -> None:
    """Drag a new box on the flag's frame: the adjust form fills in, and saving records it."""
    frame = flag_row.locator(".frame")
    frame.scroll_into_view_if_needed()
    area = frame.bounding_box()
    assert area is not None
    page.mouse.move(area["x"] + 0.1 * area["width"], area["y"] + 0.1 * area["height"])
    page.mouse.down()
    page.mouse.move(area["x"] + 0.7 * area["width"], area["y"] + 0.8 * area["height"], steps=5)
    page.mouse.up()
    assert float(flag_row.locator("input[name=box_width]").input_value()) == pytest.approx(60, abs=1)
    flag_row.locator("form[data-adjust] input[name=reason]").fill("cover the whole head")
    flag_row.locator("text=Save adjustment").click()
    page.wait_for_load_state()


def _wait_for_the_render(page: Page) -> None:
    """The approval queued a render job; the API (same session) says when it has succeeded."""
    for _ in range(120):
        jobs = page.evaluate("fetch('/api/v1/jobs/').then(response => response.json())")["results"]
        if any(job["kind"] == "render" and job["state"] == "succeeded" for job in jobs):
            return
        page.wait_for_timeout(500)
    raise AssertionError("the render job ordered by the approval did not finish")
