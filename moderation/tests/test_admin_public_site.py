"""Moderation's tables live in tenant schemas only: the platform's public admin neither lists them nor
opens them (a refusal, never a crash), while a tenant's moderators keep their queue."""

from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django_tenants.utils import schema_context

from conftest import Persona, client_for, platform_operator
from moderation.decisions import MODERATORS_GROUP

MODELS = ("case", "decision", "policy", "policychange")
CHANGELISTS = [f"/admin/moderation/{model}/" for model in MODELS]


def _platform_superuser() -> Client:
    """A superuser of the public schema, logged in on the platform's host."""
    return platform_operator()


def _moderator(persona: Persona) -> Client:
    """`persona` as staff of its own tenant who may view moderation's rows and decide cases."""
    views = [f"view_{model}" for model in (*MODELS, "flag")]
    with schema_context(persona.tenant.schema_name):
        User.objects.filter(pk=persona.user.pk).update(is_staff=True)
        persona.user.user_permissions.add(*Permission.objects.filter(codename__in=views))
        persona.user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return client_for(persona)


def _index_apps(client: Client) -> list[str]:
    """The app labels the admin index offers this client."""
    page = client.get("/admin/")
    assert page.status_code == 200
    return [app["app_label"] for app in page.context["app_list"]]


def test_it_leaves_moderation_off_the_platform_admin_index(world):
    apps = _index_apps(_platform_superuser())
    assert "tenants" in apps and "moderation" not in apps


def test_it_refuses_moderation_changelists_on_the_platform_admin(world):
    client = _platform_superuser()
    assert [client.get(path).status_code for path in CHANGELISTS] == [403] * len(CHANGELISTS)
    assert client.get("/admin/moderation/").status_code == 404


def test_it_refuses_a_case_page_and_its_decisions_on_the_platform_admin(world):
    client = _platform_superuser()
    assert client.get("/admin/moderation/case/1/change/").status_code == 403
    assert client.post("/admin/moderation/case/1/change/decide/", {"action": "claim"}).status_code == 403
    assert client.get("/admin/moderation/case/1/change/flags/1/frame.jpg").status_code == 403


def test_it_keeps_moderation_on_a_tenant_moderators_admin(world):
    client = _moderator(world.alice)
    assert "moderation" in _index_apps(client)
    assert [client.get(path).status_code for path in CHANGELISTS] == [200] * len(CHANGELISTS)
