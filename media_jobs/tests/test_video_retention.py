"""What a video's page and API say about retention: when its files expire, that the original was deleted
(no broken player, 410 for the file, 409 for clips, a job that needs it fails saying so); the legal hold,
set and released by owners only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from conftest import client_for
from media_jobs import artifacts
from media_jobs.models import Video
from media_jobs.tests.factories import make_moderated_videos
from reelremix.errors import PermanentJobError
from team.models import Role
from team.tests.factories import api_client, with_role


def _on_plan(world, days: int) -> None:
    plan = Plan.objects.create(
        code="retention", name="Retention", original_retention_days=days, intermediate_retention_days=days,
        clips=True, api_access=True,
    )  # fmt: skip
    Subscription.objects.filter(tenant=world.acme).update(plan=plan)


def test_it_shows_when_the_original_expires(world):
    _on_plan(world, 7)
    [video] = make_moderated_videos(world.acme, 1)
    expires = video.created_at + timedelta(days=7)
    answer = api_client(world.alice).get(f"/api/v1/videos/{video.pk}/").json()
    assert answer["retention"]["original_expires_at"] == expires.isoformat().replace("+00:00", "Z")
    assert answer["retention"]["legal_hold"] is False and answer["original_url"]
    page = client_for(world.alice).get(f"/videos/{video.pk}/").content.decode()
    assert f"Original kept until {expires:%Y-%m-%d %H:%M} UTC" in page and 'id="original-player"' in page


def test_it_says_the_original_was_deleted_instead_of_serving_it(world):
    _on_plan(world, 7)
    [video] = make_moderated_videos(world.acme, 1)
    with schema_context(world.acme.schema_name):
        Video.objects.filter(pk=video.pk).update(original_deleted_at=timezone.now())
    api = api_client(world.alice)
    answer = api.get(f"/api/v1/videos/{video.pk}/").json()
    assert answer["original_url"] is None and answer["retention"]["original_deleted_at"]
    gone = api.get(f"/videos/{video.pk}/original.mp4")
    assert (gone.status_code, gone.json()["error"]["code"]) == (410, "original_deleted")
    refused = api.post(f"/api/v1/videos/{video.pk}/clips/", {"count": 1}, content_type="application/json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "original_deleted")
    page = client_for(world.alice).get(f"/videos/{video.pk}/").content.decode()
    assert 'id="original-deleted"' in page and 'id="original-player"' not in page
    with schema_context(world.acme.schema_name):
        original = Video.objects.get(pk=video.pk).original
    with pytest.raises(PermanentJobError, match="deleted on"), artifacts.local_path(original):
        pass  # a stage that needs the original


def test_it_lets_only_owners_hold_a_video(world):
    [video] = make_moderated_videos(world.acme, 1)
    url = f"/api/v1/videos/{video.pk}/legal-hold/"
    with_role(world.bob, Role.EDITOR)
    assert api_client(world.bob).post(url, {"reason": "claim"}).status_code == 403
    with_role(world.charlie, Role.OWNER)  # of globex: acme's video is not there
    assert api_client(world.charlie).post(url, {"reason": "claim"}).status_code == 404
    with_role(world.alice, Role.OWNER)
    owner = api_client(world.alice)
    assert owner.post(url, {}, content_type="application/json").status_code == 400
    held = owner.post(url, {"reason": "claim 12"}, content_type="application/json").json()
    assert held["retention"] == {**held["retention"], "legal_hold": True, "original_expires_at": None}
    with schema_context(world.acme.schema_name):
        row = Video.objects.get(pk=video.pk)
        assert (row.legal_hold_by_id, row.legal_hold_reason) == (world.alice.user.pk, "claim 12")
    assert owner.delete(url).json()["retention"]["legal_hold"] is False
