"""A user's own data: its export (Article 15/20) as JSON on a page and in the API, and its erasure (Article
17) by the user or by an owner: the account closed and stripped, the audit trail kept under a pseudonym,
the uploads handed to an owner or deleted; the last owner cannot leave without handing over."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts import services as account_services
from accounts.models import ApiToken
from clips.models import Compilation, CompilationItem
from clips.tests.factories import make_clip, make_run
from conftest import PASSWORD, client_for
from media_jobs.models import Video
from moderation.models import Decision
from privacy import personal
from privacy.tests.factories import make_tenant_data
from recaps.models import Recap
from search.models import Search
from team.models import Invitation, Role
from team.tests.factories import api_client, make_member, with_role


def _fresh(tenant, user: User) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(pk=user.pk)


def test_it_exports_a_users_own_data(world):
    make_tenant_data(world.acme, world.alice.user)
    make_tenant_data(world.acme, world.bob.user, title="Bob's")
    with schema_context(world.acme.schema_name):
        for user, text in ((world.alice.user, "launch day"), (world.bob.user, "bob's query")):
            Search.objects.create(text=text, source="page", result_count=1, strong_count=1, user=user)
    response = client_for(world.alice).get("/account/data.json")
    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert data["account"]["username"] == "alice" and data["account"]["email"] == "alice@example.com"
    assert [t["name"] for t in data["tokens"]] == [
        "tests"
    ] and world.alice.token not in response.content.decode()
    assert "digest" not in data["tokens"][0]
    assert [v["title"] for v in data["uploads"]] == ["Launch day"]  # not Bob's
    assert [d["actor_id"] for d in data["decisions"]] == [world.alice.user.pk]
    assert [s["text"] for s in data["searches"]] == ["launch day"]  # not Bob's
    assert api_client(world.alice).get("/api/v1/privacy/me/").json()["account"]["username"] == "alice"


def test_it_checks_tenant(world):
    """Charlie's data is all that Charlie's export holds, and his session opens nothing on Acme's host."""
    make_tenant_data(world.acme, world.alice.user)
    data = client_for(world.charlie).get("/account/data.json").json()
    assert data["account"]["username"] == "charlie" and data["uploads"] == [] and data["decisions"] == []
    on_acme = client_for(world.charlie, host=world.alice.host)
    assert on_acme.get("/account/data.json").status_code == 302  # to the login page
    assert on_acme.post("/account/data/erase/", {"confirm": "alice"}).status_code == 302
    assert _fresh(world.acme, world.alice.user).is_active


def test_it_erases_the_user_who_asks(world):
    with_role(world.alice, Role.OWNER)
    erin = make_member(world.acme, "erin", Role.EDITOR)
    video = make_tenant_data(world.acme, erin)
    with schema_context(world.acme.schema_name):
        account_services.do_create_token(erin, "laptop")
        invitation = Invitation.objects.create(
            email="erin@example.com", role=Role.EDITOR, sent_at=timezone.now(), nonce="n", accepted_by=erin
        )
    failed = AccessAttempt.objects.create(
        username=f"{world.acme.schema_name}:erin",
        ip_address="10.0.0.9",
        user_agent="x",
        failures_since_start=1,
    )
    client = Client(HTTP_HOST=world.alice.host)
    with schema_context(world.acme.schema_name):
        client.force_login(erin)
    response = client.post("/account/data/erase/", {"confirm": "erin"})
    assert response.status_code == 200 and "Your account is erased" in response.content.decode()
    erased = _fresh(world.acme, erin)
    name = personal.pseudonym(erased)
    assert (erased.username, erased.email, erased.is_active) == (name, "", False)
    assert name.startswith("erased-user-") and not erased.has_usable_password()
    with schema_context(world.acme.schema_name):
        assert not ApiToken.objects.filter(user=erin).exists()
        [decision] = Decision.objects.filter(case__video=video)  # the audit row stays, naming the pseudonym
        assert decision.actor_id == erin.pk and str(decision).startswith(f"Approved as is by {name}")
        assert Video.objects.get(pk=video.pk).uploaded_by_id == world.alice.user.pk
        assert Invitation.objects.get(pk=invitation.pk).email == ""  # the address it was sent to, forgotten
    assert not AccessAttempt.objects.filter(pk=failed.pk).exists()  # and the failed sign-ins kept
    assert client.get("/account/data/").status_code == 302  # signed out
    assert not erased.check_password(PASSWORD)


def test_it_keeps_the_pseudonym_stable(world):
    erin = make_member(world.acme, "erin", Role.EDITOR)
    with schema_context(world.acme.schema_name):
        assert personal.pseudonym(erin) == personal.pseudonym(User.objects.get(pk=erin.pk))
        assert personal.pseudonym(erin) != personal.pseudonym(world.alice.user)


def test_it_refuses_the_last_owner(world):
    owner = with_role(world.alice, Role.OWNER)
    response = owner.post("/account/data/erase/", {"confirm": "alice"})
    assert response.status_code == 400 and "make someone else an owner first" in response.content.decode()
    assert _fresh(world.acme, world.alice.user).username == "alice"


def test_it_refuses_a_wrong_confirmation(world):
    response = client_for(world.bob).post("/account/data/erase/", {"confirm": "alice"})
    assert response.status_code == 400 and "Type your username exactly" in response.content.decode()
    assert _fresh(world.acme, world.bob.user).is_active


@pytest.mark.parametrize("uploads", ["hand_over", "delete"])
def test_it_lets_an_owner_erase_a_member(world, uploads, django_capture_on_commit_callbacks):
    owner = with_role(world.alice, Role.OWNER)
    erin = make_member(world.acme, "erin", Role.EDITOR)
    audited = make_tenant_data(world.acme, erin, title="decided")  # has a moderation trail: always kept
    with schema_context(world.acme.schema_name):
        plain = Video(title="plain", uploaded_by=erin, size_bytes=1, duration=1)
        plain.original.save("original.mp4", ContentFile(b"plain"))
        held = Video.objects.create(
            title="held", uploaded_by=erin, original="h.mp4", size_bytes=1, duration=1, legal_hold=True
        )
    made_from_plain = _files_made_from(world.acme, plain)
    form = {"member": erin.pk, "uploads": uploads, "confirm": "erin"}
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/privacy/erase/", form)
    assert response.status_code == 302
    assert default_storage.exists(plain.original.name) is (uploads == "hand_over")
    for name in made_from_plain:  # its recap, a compilation of its clip, its upscale: they go with it
        assert default_storage.exists(name) is (uploads == "hand_over"), name
    assert default_storage.exists(audited.original.name)
    with schema_context(world.acme.schema_name):
        kept = dict(
            Video.objects.filter(pk__in=[audited.pk, plain.pk, held.pk]).values_list("title", "uploaded_by")
        )
    always = {"decided": world.alice.user.pk, "held": world.alice.user.pk}
    assert kept == ({**always, "plain": world.alice.user.pk} if uploads == "hand_over" else always)
    assert not _fresh(world.acme, erin).is_active


def _files_made_from(tenant, video: Video) -> list[str]:
    """A recap of `video`, a compilation of one of its clips and an upscale's output, each with a file."""
    with schema_context(tenant.schema_name):
        recap = Recap.objects.create(video=video, script="One scene.")
        recap.file.save("recap.mp4", ContentFile(b"recap"))
        compilation = Compilation.objects.create(title="best of", aspect="9:16")
        compilation.file.save("best.mp4", ContentFile(b"compilation"))
        clip = make_clip(tenant, make_run(tenant, video))
        CompilationItem.objects.create(compilation=compilation, clip=clip, position=0)
        upscale = default_storage.save(f"{tenant.schema_name}/upscales/{video.uid}/up.mp4", ContentFile(b"u"))
        return [str(recap.file.name), str(compilation.file.name), upscale]


def test_it_checks_ownership_and_input(world):
    erin = make_member(world.acme, "erin", Role.EDITOR)
    bob = with_role(world.bob, Role.EDITOR)
    assert (
        bob.post("/privacy/erase/", {"member": erin.pk, "uploads": "delete", "confirm": "erin"}).status_code
        == 403
    )
    owner = with_role(world.alice, Role.OWNER)
    for form in (
        {"member": erin.pk, "uploads": "burn", "confirm": "erin"},
        {"member": erin.pk, "uploads": "delete", "confirm": "bob"},
        {"member": "999999", "uploads": "delete", "confirm": "erin"},
        {"member": world.charlie.user.pk + 1000, "uploads": "delete", "confirm": "charlie"},
        {"member": world.alice.user.pk, "uploads": "delete", "confirm": "alice"},  # not through this form
    ):
        assert owner.post("/privacy/erase/", form).status_code == 400
    assert _fresh(world.acme, erin).is_active and _fresh(world.acme, world.alice.user).is_active


def test_it_lets_an_owner_leave_when_another_owner_takes_over(world):
    with_role(world.alice, Role.OWNER)
    olga = make_member(world.acme, "olga", Role.OWNER)
    video = make_tenant_data(world.acme, olga)
    client = Client(HTTP_HOST=world.alice.host)
    with schema_context(world.acme.schema_name):
        client.force_login(olga)
    assert client.post("/account/data/erase/", {"confirm": "olga"}).status_code == 200
    erased = _fresh(world.acme, olga)
    assert not (erased.is_active or erased.is_staff or erased.is_superuser)
    with schema_context(world.acme.schema_name):
        assert Video.objects.get(pk=video.pk).uploaded_by_id == world.alice.user.pk
