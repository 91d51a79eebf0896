"""In headless Chromium: upload a video, search it in other words, follow the result, and the player
starts at that moment."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from media_jobs.media.sample import DEMO_SPEECH, SAMPLES_DIR, make_face_video
from reelremix.tests.stack import ADMIN_PASSWORD, Stack
from reelremix.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS


def test_it_finds_a_moment_and_plays_the_video_from_there(stack: Stack, tmp_path: Path):
    clip = tmp_path / "kitchen.mp4"
    # kitchen.flac ends with "We could order pizza tonight." (from about 10.6 s).
    make_face_video(clip, SAMPLES_DIR / DEMO_SPEECH, 13.0, size=(320, 180), fps=25, gop=50)
    stack.wait_for("Press Ctrl-C to stop.")
    site = f"http://demo.localhost:{stack.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{site}/accounts/login/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.set_input_files("input[name=file]", str(clip))
        page.click("text=Upload and moderate")
        page.wait_for_selector("text=Moderation:", timeout=120_000)
        page.click("text=Search")
        page.fill("input[name=q]", "getting takeaway food for dinner")
        page.click("button:has-text('Search')")
        first = page.locator("li.hit").first
        assert "pizza" in first.locator(".snippet").inner_text()
        page.wait_for_function("document.querySelector('li.hit img').naturalWidth > 0")  # the keyframe
        link = first.locator("a").nth(1)
        start = float(link.get_attribute("href").split("#t=")[1])
        link.click()
        player = "document.getElementById('original-player')"
        page.wait_for_function(f"{player}.readyState >= 1 && {player}.currentTime > 0", timeout=30_000)
        assert abs(page.evaluate(f"{player}.currentTime") - start) < 0.1
        assert 8.0 < start < 12.0
        browser.close()
