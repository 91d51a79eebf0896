"""GET /api/v1/billing/: the caller's plan and usage, token-authenticated, tenant isolated."""

from __future__ import annotations

from django.test import Client

from billing import quota
from billing.models import Plan, Subscription
from team.models import Role
from team.tests.factories import with_role


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _reserve(tenant, seconds: float, job_id: int) -> None:
    quota.attach_job(quota.do_reserve_minutes(tenant.schema_name, seconds, 5000), job_id)


def test_it_shows_plan_and_usage(world):
    _reserve(world.acme, 90.0, 1)
    _reserve(world.acme, 30.0, 2)
    quota.do_commit_usage(world.acme.schema_name, 1)
    body = _api(world.alice).get("/api/v1/billing/").json()
    assert body["plan"]["code"] == "agency" and body["plan"]["api_access"] is True
    assert (body["status"], body["new_jobs_blocked"]) == ("active", False)
    usage = body["usage"]
    assert (usage["minutes"], usage["storage_bytes"], usage["running_jobs"]) == (2.0, 10000, 1)


def test_it_checks_tenant(world):
    _reserve(world.acme, 90.0, 1)
    body = _api(world.charlie).get("/api/v1/billing/").json()
    usage = body["usage"]
    assert (usage["minutes"], usage["storage_bytes"], usage["running_jobs"]) == (0.0, 0, 0)
    foreign = Client(HTTP_HOST=world.charlie.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert foreign.get("/api/v1/billing/").status_code == 401  # acme's token means nothing on globex


def test_it_checks_ownership_anonymous_calls_are_refused(world):
    assert Client(HTTP_HOST=world.alice.host).get("/api/v1/billing/").status_code in (401, 403)


def test_it_answers_402_to_tokens_of_a_plan_without_api_access(world):
    Subscription.objects.filter(tenant=world.acme).update(plan=Plan.objects.get(code="free"))
    response = _api(world.alice).get("/api/v1/billing/")
    assert response.status_code == 402
    assert "API access is not part of the Free plan" in response.json()["error"]["message"]


def test_it_is_read_only(world):
    with_role(world.alice, Role.OWNER)  # others are refused earlier, by the role policy (team.roles)
    assert _api(world.alice).post("/api/v1/billing/", {}).status_code == 405
