"""In headless Chromium, what a new agency does before its first upload: sign up on the platform's site and
land on its own, invite a teammate who accepts by the emailed link and logs in as an editor; and a user
makes an API token (shown once), uses it, and revokes it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from django.core import mail
from playwright.sync_api import Page, sync_playwright

from conftest import PASSWORD, World
from reelremix.tests import screenshots
from reelremix.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
from tenants.models import Tenant

NEW_SLUG = "initech"


@pytest.fixture
def new_agency(committed_db: World) -> Iterator[str]:
    """The slug the test signs up with; its tenant (schema, domain, subscription) is dropped afterwards."""
    yield NEW_SLUG
    for tenant in Tenant.objects.filter(slug=NEW_SLUG):
        tenant.delete(force_drop=True)


def _sign_up(page: Page, public: str) -> str:
    page.goto(f"{public}/signup/")
    screenshots.take(page, "signup")
    page.fill("input[name=name]", "Initech")
    page.fill("input[name=slug]", NEW_SLUG)
    page.fill("input[name=email]", "peter@initech.example")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=plan]", label="Free")
    page.click("text=Create my site")
    site = public.replace("//", f"//{NEW_SLUG}.")
    page.wait_for_url(f"{site}/**", timeout=60_000)
    return site


def _invite(page: Page, site: str, email: str) -> str:
    """The accept link of the invitation the owner sends from the team page."""
    page.goto(f"{site}/team/")
    page.fill("input[name=email]", email)
    page.select_option("select[name=role]", label="Editor")
    page.click("text=Send the invitation")
    page.wait_for_selector(f"text={email}")
    screenshots.take(page, "team")
    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1
    link = re.search(r"https?://\S+", str(sent[0].body))
    assert link is not None, sent[0].body
    return link.group(0)


def test_an_agency_signs_up_and_a_teammate_joins_by_invitation(live_site, new_agency, mailoutbox):
    public = live_site.replace("127.0.0.1", "localhost")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            owner = browser.new_page()
            site = _sign_up(owner, public)
            assert owner.locator(".account").inner_text().startswith("peter@initech.example")
            link = _invite(owner, site, "dana@initech.example")
            assert link.startswith(f"{site}/")

            teammate = browser.new_context().new_page()  # another person, another browser
            teammate.goto(link)
            teammate.fill("input[name=username]", "dana")
            teammate.fill("input[name=password]", PASSWORD)
            teammate.fill("input[name=password_again]", PASSWORD)
            teammate.click("text=Join the team")
            teammate.wait_for_url(f"{site}/")
            assert teammate.locator(".account").inner_text().startswith("dana")
            assert teammate.locator("text=Upload and moderate").is_enabled()  # an editor uploads
            assert teammate.locator("nav >> text=Team").count() == 0  # only owners manage the team
        finally:
            browser.close()


def test_a_user_makes_a_token_uses_it_and_revokes_it(live_site, committed_db):
    site = live_site.replace("127.0.0.1", committed_db.alice.host)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{site}/accounts/login/")
            page.fill("input[name=username]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{site}/")
            page.goto(f"{site}/account/tokens/")
            page.fill("input[name=name]", "CI uploads")
            page.click("text=Create token")
            key = page.input_value("#new-key")
            screenshots.take(page, "tokens")
            api = {"Authorization": f"Token {key}", "Host": committed_db.alice.host}
            assert requests.get(f"{live_site}/api/v1/videos/", headers=api, timeout=30).status_code == 200
            page.goto(f"{site}/account/tokens/")
            assert page.locator("#new-key").count() == 0  # shown once
            page.locator("tr", has_text="CI uploads").locator("text=Revoke").click()
            page.locator("tr", has_text="CI uploads").wait_for(state="detached")
            assert requests.get(f"{live_site}/api/v1/videos/", headers=api, timeout=30).status_code == 401
        finally:
            browser.close()
