"""A tenant's plan, asked on every API request, is remembered per process and forgotten at once when a
plan or subscription is saved here."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import quota
from billing.errors import FeatureNotInPlan
from billing.models import Plan, Subscription


@pytest.fixture
def remembering(settings) -> Iterator[None]:
    settings.BILLING_PLAN_CACHE_SECONDS = 60
    quota.forget_plans()
    yield
    quota.forget_plans()


def test_it_reads_a_remembered_plan_without_a_query(world, remembering):
    assert quota.plan_of("t_acme").code == "agency"
    with CaptureQueriesContext(connection) as queries:
        assert quota.has_priority("t_acme") is True
        quota.require_feature("t_acme", Plan.Feature.API_ACCESS)
    assert len(queries) == 0


def test_it_sees_a_plan_change_made_here_at_once(world, remembering):
    assert quota.plan_of("t_acme").code == "agency"
    subscription = Subscription.objects.get(tenant=world.acme)
    subscription.plan = Plan.objects.get(code="free")
    subscription.save(update_fields=["plan"])
    assert quota.plan_of("t_acme").code == "free"
    with pytest.raises(FeatureNotInPlan):
        quota.require_feature("t_acme", Plan.Feature.API_ACCESS)
