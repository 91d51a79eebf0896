"""What each role may do: editors upload, viewers read, owners manage billing and the team, moderators
decide cases in the admin. Users made before roles get the role the data migration gives them."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from conftest import PASSWORD, client_for
from media_jobs.models import Video
from media_jobs.tests.media_factory import make_video
from moderation.models import Case
from team import roles
from team.models import Membership, Role
from team.tests.factories import api_client, make_member, with_role

migration = importlib.import_module("team.migrations.0002_memberships_of_existing_users")


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=1.0)


def _upload(client: Client, path: str, small_mp4: Path):
    upload = SimpleUploadedFile("small.mp4", small_mp4.read_bytes(), content_type="video/mp4")
    return client.post(path, {"file": upload, "title": "Launch"})


def _videos(world) -> int:
    with schema_context(world.acme.schema_name):
        return Video.objects.count()


def test_it_lets_an_editor_upload_on_the_page_and_the_api(world, small_mp4):
    page = _upload(with_role(world.alice, Role.EDITOR), "/videos/upload/", small_mp4)
    assert page.status_code == 302 and page["Location"].startswith("/videos/")
    assert _upload(api_client(world.alice), "/api/v1/videos/", small_mp4).status_code == 201
    assert _videos(world) == 2


def test_it_refuses_a_viewers_upload_on_the_page_and_the_api(world, small_mp4):
    page = _upload(with_role(world.bob, Role.VIEWER), "/videos/upload/", small_mp4)
    assert page.status_code == 403 and "read-only" in page.content.decode()
    api = _upload(api_client(world.bob), "/api/v1/videos/", small_mp4)
    assert api.status_code == 403
    assert api.json()["error"] == {"code": "permission_denied", "message": roles.READ_ONLY, "details": {}}
    assert _videos(world) == 0


def test_it_refuses_a_moderator_an_upload(world, small_mp4):
    with_role(world.bob, Role.MODERATOR)
    api = _upload(api_client(world.bob), "/api/v1/videos/", small_mp4)
    assert api.status_code == 403
    assert (
        api.json()["error"]["message"] == "This needs the editor role; your role on this site is moderator."
    )


@pytest.mark.parametrize("role", [Role.EDITOR, Role.MODERATOR, Role.VIEWER])
def test_it_lets_only_owners_manage_billing_and_the_team(world, role):
    browser = with_role(world.bob, role)
    refused = browser.post("/billing/checkout/", {"plan": "pro"})
    assert refused.status_code == 403
    assert browser.get("/team/").status_code == 403
    assert "Only the site&#x27;s owners manage its team." in browser.get("/team/").content.decode()
    assert 'href="/team/"' not in browser.get("/").content.decode()


def test_it_lets_owners_manage_billing_and_the_team(world):
    owner = with_role(world.alice, Role.OWNER)
    assert owner.post("/billing/checkout/", {"plan": "platinum"}).status_code == 404  # the view's own answer
    page = owner.get("/team/").content.decode()
    assert "alice" in page and "bob" in page and 'href="/team/"' in page


def _case(world) -> Case:
    with schema_context(world.acme.schema_name):
        video = Video.objects.create(title="video", original="none.mp4", size_bytes=1, duration=30.0)
        return Case.objects.create(video=video, state=Case.State.QUEUED, severity=0.9)


def _approve(client: Client, case: Case):
    return client.post("/admin/moderation/case/", {"_selected_action": [case.pk], "action": "approve"})


def _state(world, case: Case) -> str:
    with schema_context(world.acme.schema_name):
        return Case.objects.get(pk=case.pk).state


def test_it_lets_a_moderator_decide_a_case_in_the_admin(world):
    case = _case(world)
    moderator = with_role(world.bob, Role.MODERATOR)
    assert moderator.get("/admin/moderation/case/").status_code == 200
    _approve(moderator, case)
    assert _state(world, case) == Case.State.APPROVED


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_it_refuses_editors_and_viewers_the_cases(world, role):
    case = _case(world)
    browser = with_role(world.bob, role)
    assert browser.get("/admin/moderation/case/").status_code == 302  # to the admin's login
    assert _approve(browser, case).status_code == 403
    assert _state(world, case) == Case.State.QUEUED


def test_it_keeps_group_and_admin_access_in_step_with_the_role(world):
    with_role(world.bob, Role.MODERATOR)
    with_role(world.bob, Role.EDITOR)
    with schema_context(world.acme.schema_name):
        bob = User.objects.get(pk=world.bob.user.pk)
        assert (bob.is_staff, bob.is_superuser, bob.groups.count()) == (False, False, 0)
        assert Membership.objects.get(user=bob).role == Role.EDITOR


def test_it_gives_users_made_before_roles_the_role_their_flags_say(world):
    with schema_context(world.acme.schema_name):
        User.objects.create_superuser("root", "root@example.com", PASSWORD)
        User.objects.get(username="bob").groups.add(Group.objects.get(name=roles.MODERATORS_GROUP))
        Membership.objects.all().delete()
        users = [User.objects.get(username=name) for name in ("root", "bob", "alice")]
        assert [roles.role_of(u) for u in users] == [Role.OWNER, Role.MODERATOR, Role.EDITOR]
        migration.give_roles(apps, None)
        assert dict(Membership.objects.values_list("user__username", "role")) == {
            "root": "owner",
            "bob": "moderator",
            "alice": "editor",
        }
        assert User.objects.get(username="bob").is_staff  # the admin opens for moderators


def test_it_checks_tenant_a_role_in_acme_gives_nothing_at_globex(world):
    make_member(world.globex, "gina", Role.VIEWER)
    with_role(world.alice, Role.OWNER)
    alice_at_globex = client_for(world.alice, host=world.charlie.host)
    assert alice_at_globex.get("/team/").status_code == 302  # unknown there: to the login page
    with schema_context(world.globex.schema_name):
        assert roles.role_of(User.objects.get(username="gina")) is Role.VIEWER
