"""In headless Chromium, the tenant pages a team uses every day: axe-core finds no serious or critical
accessibility violation on any of them, the video page's timeline and transcript seek the player (by mouse
and keyboard), and the video list is usable 375 px wide.

One browser session over a Django server in a thread of this process (the test database, committed), not a
whole `reelremix up`: nothing here needs the workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files import File
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, sync_playwright

from clips.tests.factories import make_clip
from conftest import PASSWORD, World
from media_jobs.models import Video
from media_jobs.tests.media_factory import make_video
from moderation.tests.factories import make_watched_video
from reelremix.tests import screenshots
from reelremix.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
from team.models import Invitation, Role
from team.tests.factories import make_member

# The elements that reach past the right edge of the screen, except inside a box that scrolls sideways
# (wide tables do): none when the page fits.
WIDER_THAN_THE_SCREEN = """
(() => {
  const inScroller = e => {
    for (let box = e.parentElement; box; box = box.parentElement)
      if (getComputedStyle(box).overflowX !== "visible") return true;
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !inScroller(e))
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
})()
"""
BLOCKING = ("serious", "critical")  # axe's impacts this project does not ship


@pytest.fixture
def site(live_site: str) -> str:
    """acme's site; Chromium sends *.localhost to this machine."""
    return live_site.replace("127.0.0.1", "acme.localhost")


def _talk(world: World, tmp_path: Path) -> tuple[Video, list[str]]:
    """A 6-second video with its transcript and flags (as moderation leaves them); the addresses of its job's
    page and of a clip's (of another video)."""
    path = make_video(tmp_path / "talk.mp4", duration=6.0)
    with schema_context(world.acme.schema_name), path.open("rb") as handle:
        video = Video(
            title="Launch talk", size_bytes=path.stat().st_size, duration=6.0, width=320, height=240
        )
        video.original.save("talk.mp4", File(handle))
    make_watched_video(world.acme, video)
    clip = make_clip(world.acme, title="The launch, in short")
    with schema_context(world.acme.schema_name):
        return video, [f"/jobs/{video.jobs.get().pk}/", f"/clips/{clip.pk}/"]


def _assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{page.url}\n{results.generate_report()}"


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    _assert_accessible(page)


def _log_in(page: Page, site: str, username: str = "alice") -> None:
    _visit(page, f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")


def _player_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('original-player').currentTime"))


def _seeks_the_player(page: Page) -> None:
    """A word seeks by click; a flag's mark is reached by keyboard and seeks with Enter; the clips form takes
    the player's time."""
    page.wait_for_function("document.getElementById('original-player').readyState >= 1", timeout=30_000)
    page.locator(".transcript .word", has_text="launch").click()
    page.wait_for_function("Math.abs(document.getElementById('original-player').currentTime - 2.7) < 0.05")
    mark = page.locator("#timeline .mark-face")
    mark.focus()
    assert page.evaluate("document.activeElement.classList.contains('mark-face')")
    page.keyboard.press("Enter")
    page.wait_for_function("Math.abs(document.getElementById('original-player').currentTime - 1.0) < 0.05")
    assert abs(_player_time(page) - 1.0) < 0.05
    # "Make a clip from here" sends where the player stands (the form is held back: no job is started).
    page.evaluate(
        "document.getElementById('clip-here').form.addEventListener('submit', e => e.preventDefault())"
    )
    page.click("#clip-here")
    assert page.input_value("#clip-at") == "1.00"


def test_the_daily_pages_are_accessible_and_the_player_seeks(site, committed_db, tmp_path):
    video, more_pages = _talk(committed_db, tmp_path)
    # Playwright's sync API runs an event loop in this thread, where Django then refuses the ORM: the rows
    # are made first, and the browser is closed before the fixtures clean up.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            _check_the_public_pages(page, site)
            _walk_the_pages(page, site, committed_db, video, more_pages)
        finally:
            browser.close()


def test_the_team_page_is_accessible(site, committed_db):
    """An owner's team page, with an invitation pending; the owner is made for this test and removed after
    (committed rows stay, and other tests count the owners)."""
    owner = make_member(committed_db.acme, "olga", Role.OWNER)
    with schema_context(committed_db.acme.schema_name):
        Invitation.objects.create(
            email="dora@example.com", role=Role.VIEWER, sent_at=timezone.now(), nonce="n"
        )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                _log_in(page, site, username="olga")
                _visit(page, f"{site}/team/")
                page.set_viewport_size({"width": 375, "height": 800})
                assert not page.evaluate(WIDER_THAN_THE_SCREEN)
            finally:
                browser.close()
    finally:
        with schema_context(committed_db.acme.schema_name):
            Invitation.objects.all().delete()
            owner.delete()


def _check_the_public_pages(page: Page, site: str) -> None:
    """The platform's landing and signup pages (the public schema, at the bare domain)."""
    public = site.replace("acme.", "")
    for path in ("/", "/signup/"):
        _visit(page, f"{public}{path}")


def _walk_the_pages(page: Page, site: str, world: World, video: Video, more_pages: list[str]) -> None:
    _log_in(page, site)
    _assert_accessible(page)  # the dashboard
    screenshots.take(page, "dashboard")
    pages = (
        "/videos/",
        "/videos/?moderation=maybe",
        "/search/",
        "/search/analytics/",
        "/clips/",
        "/webhooks/",
        "/billing/",
        "/account/tokens/",
        "/accounts/password/",
        "/accounts/reset/",
        "/account/data/",
        *more_pages,
    )
    shots = {
        "/videos/": "videos",
        f"/videos/{video.pk}/": "video",
        "/clips/": "clips",
        "/billing/": "billing",
    }
    for path in (*pages, f"/videos/{video.pk}/"):
        _visit(page, f"{site}{path}")
        if path in shots:
            screenshots.take(page, shots[path])
    _seeks_the_player(page)

    page.set_viewport_size({"width": 375, "height": 800})
    for path in (
        "/",
        "/videos/",
        f"/videos/{video.pk}/",
        "/search/",
        "/clips/",
        "/webhooks/",
        "/billing/",
        "/account/tokens/",
    ):
        page.goto(f"{site}{path}")
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert not wide, path  # nothing wider than the phone
    page.goto(f"{site}/videos/?moderation=maybe")
    assert page.locator("#filter-notes").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
