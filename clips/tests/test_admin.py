"""Clips in the tenant admin: read-only pages for operators, tenants kept apart, nothing on the
platform's admin, every POST that would change or delete refused."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from clips.models import Clip
from clips.tests.factories import make_clip
from conftest import client_for, platform_operator

CLIPS_ADMIN, RUNS_ADMIN = "/admin/clips/clip/", "/admin/clips/cliprun/"


def _clip(tenant, title: str) -> Clip:
    return make_clip(tenant, title=title)


def _superuser(persona) -> Client:
    with schema_context(persona.tenant.schema_name):
        User.objects.filter(pk=persona.user.pk).update(is_staff=True, is_superuser=True)
    return client_for(persona)


def test_staff_see_their_tenants_clips_read_only(world):
    clip = _clip(world.acme, "Acme launch clip")
    alice = _superuser(world.alice)
    assert "Acme launch clip" in alice.get(CLIPS_ADMIN).content.decode()
    page = alice.get(f"{CLIPS_ADMIN}{clip.pk}/change/").content.decode()
    assert "Acme launch clip" in page and 'name="title"' not in page  # shown, not editable
    assert alice.get(RUNS_ADMIN).status_code == 200


def test_another_tenants_staff_see_none_of_them(world):
    clip = _clip(world.acme, "Acme launch clip")
    charlie = _superuser(world.charlie)
    assert "Acme launch clip" not in charlie.get(CLIPS_ADMIN).content.decode()
    response = charlie.get(f"{CLIPS_ADMIN}{clip.pk}/change/", follow=True)
    assert "Acme launch clip" not in response.content.decode()
    on_acme = client_for(world.charlie, host=world.alice.host)
    assert on_acme.get(CLIPS_ADMIN)["Location"].startswith("/admin/login/")


def test_posts_that_would_change_or_delete_are_refused(world):
    clip = _clip(world.acme, "Acme launch clip")
    alice = _superuser(world.alice)
    posts = [
        (f"{CLIPS_ADMIN}{clip.pk}/change/", {"title": "renamed"}),
        (f"{CLIPS_ADMIN}{clip.pk}/delete/", {"post": "yes"}),
        (CLIPS_ADMIN, {"action": "delete_selected", "_selected_action": [clip.pk], "post": "yes"}),
        (f"{CLIPS_ADMIN}add/", {"title": "new"}),
    ]
    assert [alice.post(path, data).status_code for path, data in posts] == [403] * len(posts)
    with schema_context(world.acme.schema_name):
        assert list(Clip.objects.values_list("title", flat=True)) == ["Acme launch clip"]


def test_the_platform_admin_has_no_clips(world):
    clip = _clip(world.acme, "Acme launch clip")
    client = platform_operator()
    assert "/admin/clips/" not in client.get("/admin/").content.decode()
    assert client.get(CLIPS_ADMIN).status_code == 403
    assert client.get(f"{CLIPS_ADMIN}{clip.pk}/change/").status_code == 403
