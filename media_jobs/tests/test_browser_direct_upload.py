"""In headless Chromium, where media are stored on S3 (a local S3-protocol server): the dashboard's form sends
the file straight to the bucket in parts, sends a part again after its connection drops, and opens the new
video's page; the site never carried the bytes."""

from __future__ import annotations

from django_tenants.utils import schema_context
from playwright.sync_api import Request, Route, sync_playwright

from conftest import PASSWORD
from media_jobs.models import Upload, Video
from reelremix.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS


class LostPart:
    """Resets the connection of part 2's first PUT to the bucket, as a lost network does."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def __call__(self, route: Route, request: Request) -> None:
        if request.method != "PUT":
            route.continue_()
            return
        number = request.url.split("partNumber=")[1].split("&")[0]
        self.parts.append(number)
        if self.parts == ["1", "2"]:
            route.abort("connectionreset")
        else:
            route.continue_()


def test_the_page_sends_a_file_straight_to_s3_and_resends_a_lost_part(
    committed_db,
    live_site,
    s3,
    settings,
    big_mp4,
):
    settings.UPLOAD_CHUNK_BYTES = 64 * 1024  # three parts of S3's smallest size
    alice, site = committed_db.alice, live_site.replace("127.0.0.1", committed_db.alice.host)
    lost = LostPart()
    # Playwright's sync API runs an event loop in this thread, where Django refuses the ORM: the browser is
    # closed before the rows are read.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{site}/accounts/login/")
            page.fill("input[name=username]", alice.user.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{site}/")  # loaded: the form's scripts are in charge of the upload
            page.route(f"{s3.endpoint}/**", lost)
            page.set_input_files("input[name=file]", str(big_mp4))
            page.click("text=Upload and moderate")
            page.wait_for_url(f"{site}/videos/*/", timeout=60_000)
        finally:
            browser.close()

    assert lost.parts == ["1", "2", "2", "3"]  # the lost part was sent again, and only it
    with schema_context(alice.tenant.schema_name):
        video = Video.objects.get()
        assert s3.read(video.original.name) == big_mp4.read_bytes()
        assert Upload.objects.get().video == video
