"""In headless Chromium: upload a video, search it in other words, follow the result, and the player
starts at that moment."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from reelremix.tests.stack import ADMIN_PASSWORD, Stack
from reelremix.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
from search.tests.eval_media import make_eval_video, truth


def test_it_finds_a_moment_and_plays_the_video_from_there(stack: Stack, tmp_path: Path):
    clip = make_eval_video("travel", tmp_path / "travel.mp4")
    sushi = truth("travel")["topics"][3]  # "Dinner was fresh sushi at a tiny counter ...", from 18.1 s
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
        page.fill("input[name=q]", "eating raw fish in a small restaurant")
        page.click("button:has-text('Search')")
        first = page.locator("li.hit").first
        assert "tiny counter" in first.locator(".snippet").inner_text()
        page.wait_for_function("document.querySelector('li.hit img').naturalWidth > 0")  # the keyframe
        link = first.locator("a").nth(1)  # through the click recorder, which redirects to the moment
        start = float(str(first.get_attribute("data-start")))
        link.click()
        player = "document.getElementById('original-player')"
        page.wait_for_function(f"{player}.readyState >= 1 && {player}.currentTime > 0", timeout=30_000)
        assert abs(page.evaluate(f"{player}.currentTime") - start) < 0.1
        assert abs(start - sushi["start"]) < 1.0
        browser.close()
