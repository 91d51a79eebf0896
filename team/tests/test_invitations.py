"""Owners invite by email with a role; the emailed link is signed, expires, works once, and only on the
tenant that sent it. Owners change roles and remove members, never the last owner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from conftest import PASSWORD
from team import invitations
from team.models import Invitation, Role
from team.tests.factories import api_client, make_member, with_role

PHRASE = "a fine long pass phrase 9"
JOIN = {"username": "dora", "password": PHRASE, "password_again": PHRASE}


@pytest.fixture
def owner(world, django_capture_on_commit_callbacks) -> Client:
    """Alice, an owner, whose invitations are emailed (sent once their transaction commits)."""
    client = with_role(world.alice, Role.OWNER)
    original = client.post

    def post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    client.post = post  # type: ignore[method-assign]
    return client


def _link(host: str) -> str:
    found = re.search(rf"http://{re.escape(host)}(/team/accept/\S+/)", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(1)


def _invite(owner: Client, world, role: str = "viewer") -> str:
    response = owner.post("/team/invite/", {"email": "dora@example.com", "role": role}, follow=True)
    assert f"Invited dora@example.com as {role}." in response.content.decode()
    assert mail.outbox[-1].to == ["dora@example.com"]
    return _link(world.alice.host)


def _dora(world) -> User:
    with schema_context(world.acme.schema_name):
        return User.objects.select_related("membership").get(username="dora")


def test_it_invites_and_the_invited_person_joins_with_the_role(world, owner):
    link = _invite(owner, world, role="editor")
    assert "dora@example.com" in owner.get("/team/").content.decode()  # pending
    browser = Client(HTTP_HOST=world.alice.host)
    assert "You are invited as editor (dora@example.com)" in browser.get(link).content.decode()
    response = browser.post(link, JOIN)
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/").status_code == 200  # logged in
    dora = _dora(world)
    assert (dora.email, dora.membership.role) == ("dora@example.com", Role.EDITOR)
    assert "No invitation is waiting." in owner.get("/team/").content.decode()


def test_it_makes_a_moderator_staff_in_the_moderators_group(world, owner):
    Client(HTTP_HOST=world.alice.host).post(_invite(owner, world, role="moderator"), JOIN)
    dora = _dora(world)
    with schema_context(world.acme.schema_name):
        assert (
            dora.is_staff
            and not dora.is_superuser
            and list(dora.groups.values_list("name", flat=True)) == ["moderators"]
        )


def test_it_refuses_a_used_link(world, owner):
    link = _invite(owner, world)
    Client(HTTP_HOST=world.alice.host).post(link, JOIN)
    again = Client(HTTP_HOST=world.alice.host).post(link, {**JOIN, "username": "dora2"})
    assert again.status_code == 400
    assert "This invitation was already accepted: log in instead." in again.content.decode()


def test_it_refuses_an_expired_link(world, owner, monkeypatch):
    link = _invite(owner, world)
    monkeypatch.setattr(invitations, "MAX_AGE", timedelta(seconds=-1))  # signed a second too long ago
    page = Client(HTTP_HOST=world.alice.host).get(link)
    assert page.status_code == 400
    assert (
        "This invitation link has expired: ask an owner of the site to send it again."
        in page.content.decode()
    )


def test_it_refuses_a_forged_link(world, owner):
    link = _invite(owner, world)
    page = Client(HTTP_HOST=world.alice.host).get(link[:-3] + "xx/")
    assert page.status_code == 400
    assert "This invitation link is not valid: open it exactly as it was sent." in page.content.decode()


def test_it_checks_tenant_an_acme_link_is_refused_at_globex(world, owner):
    link = _invite(owner, world)
    page = Client(HTTP_HOST=world.charlie.host).post(link, JOIN)
    assert page.status_code == 400
    assert "This invitation is for another site" in page.content.decode()
    with schema_context(world.globex.schema_name):
        assert not User.objects.filter(username="dora").exists()


def test_it_resends_with_a_new_link_and_revokes(world, owner):
    first = _invite(owner, world)
    with schema_context(world.acme.schema_name):
        invitation = Invitation.objects.get(email="dora@example.com")
    resent = owner.post(f"/team/invitations/{invitation.pk}/", {"action": "resend"}, follow=True)
    assert "Sent the invitation to dora@example.com again." in resent.content.decode()
    second = _link(world.alice.host)
    assert second != first
    assert "sent again" in Client(HTTP_HOST=world.alice.host).get(first).content.decode()
    owner.post(f"/team/invitations/{invitation.pk}/", {"action": "revoke"})
    assert "revoked" in Client(HTTP_HOST=world.alice.host).get(second).content.decode()


def test_it_refuses_to_invite_a_member_twice_or_a_bad_address(world, owner):
    page = owner.post("/team/invite/", {"email": "bob@example.com", "role": "viewer"}, follow=True)
    assert "bob@example.com is already on the team." in page.content.decode()
    page = owner.post("/team/invite/", {"email": "not an email", "role": "viewer"}, follow=True)
    assert "Give an email address and one of the roles." in page.content.decode()
    assert mail.outbox == []


def test_it_refuses_a_taken_username_and_differing_passwords(world, owner):
    link = _invite(owner, world)
    page = Client(HTTP_HOST=world.alice.host).post(link, {**JOIN, "username": "bob"})
    assert "The username &#x27;bob&#x27; is taken on this site" in page.content.decode()
    page = Client(HTTP_HOST=world.alice.host).post(link, {**JOIN, "password_again": "other"})
    assert "The two passwords differ." in page.content.decode()


def test_it_changes_a_members_role(world, owner):
    page = owner.post(f"/team/members/{world.bob.user.pk}/", {"role": "viewer"}, follow=True)
    assert "bob is now viewer." in page.content.decode()
    assert api_client(world.bob).post("/api/v1/videos/").status_code == 403


def test_it_keeps_the_last_owner(world, owner):
    page = owner.post(f"/team/members/{world.alice.user.pk}/", {"role": "editor"}, follow=True)
    assert "alice is the site&#x27;s last owner: make someone else an owner first." in page.content.decode()
    page = owner.post(f"/team/members/{world.alice.user.pk}/remove/", follow=True)
    assert "last owner" in page.content.decode()
    with schema_context(world.acme.schema_name):
        assert User.objects.get(pk=world.alice.user.pk).membership.role == Role.OWNER


def test_it_removes_a_member_who_then_cannot_log_in_or_use_tokens(world, owner):
    bob_browser = with_role(world.bob, Role.EDITOR)
    page = owner.post(f"/team/members/{world.bob.user.pk}/remove/", follow=True)
    assert "bob was removed from the team." in page.content.decode()
    assert "bob@example.com" not in page.content.decode()
    assert bob_browser.get("/").status_code == 302  # the session no longer authenticates
    login = Client(HTTP_HOST=world.bob.host).post(
        "/accounts/login/", {"username": "bob", "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, not logged in
    assert api_client(world.bob).get("/api/v1/videos/").status_code == 401


def test_it_checks_tenant_an_owner_of_globex_changes_nothing_at_acme(world):
    make_member(world.globex, "gwen", Role.OWNER)
    with schema_context(world.globex.schema_name):
        gwen = User.objects.get(username="gwen")
    globex_owner = Client(HTTP_HOST=world.charlie.host)
    with schema_context(world.globex.schema_name):
        globex_owner.force_login(gwen)
    page = globex_owner.get("/team/").content.decode()
    assert "charlie" in page and "alice" not in page and "bob" not in page
    globex_owner.post(f"/team/members/{world.bob.user.pk}/remove/")
    with schema_context(world.acme.schema_name):
        assert User.objects.get(pk=world.bob.user.pk).is_active
    globex_owner.defaults["HTTP_HOST"] = world.alice.host
    assert globex_owner.post(f"/team/members/{world.bob.user.pk}/remove/").status_code == 302  # to login
    with schema_context(world.acme.schema_name):
        assert User.objects.get(pk=world.bob.user.pk).is_active
