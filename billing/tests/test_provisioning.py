"""Every tenant is provisioned onto a plan; an unknown plan is refused before a schema exists."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tenants.utils import schema_exists

from billing.tests.conftest import subscription_of
from tenants import services
from tenants.models import Tenant


def test_it_starts_a_new_tenant_on_free_by_default(db):
    tenant = services.do_create_tenant("Initech", "initech", "boss@initech.example").tenant
    subscription = subscription_of(tenant)
    assert (subscription.plan.code, subscription.status, subscription.stripe_customer_id) == (
        "free",
        "active",
        "",
    )


def test_it_refuses_an_unknown_plan_and_creates_nothing(db):
    with pytest.raises(ValidationError, match="There is no plan 'platinum'"):
        services.do_create_tenant("Initech", "initech", "boss@initech.example", plan="platinum")
    assert not Tenant.objects.filter(slug="initech").exists() and not schema_exists("t_initech")


def test_it_lets_an_operator_grant_a_plan(db):
    call_command(
        "provision_tenant", "initech", "--name", "Initech", "--owner-email", "b@x.example", "--plan", "pro"
    )
    assert subscription_of(Tenant.objects.get(slug="initech")).plan.code == "pro"


def test_it_tells_the_operator_about_an_unknown_plan(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="There is no plan 'gold' \\(plans: free, pro, agency\\)"):
        call_command(
            "provision_tenant", "initech", "--name", "I", "--owner-email", "b@x.example", "--plan", "gold"
        )


def test_it_starts_a_tenant_without_a_subscription_on_free_when_it_is_first_asked(world):
    from billing import quota
    from billing.models import Subscription

    Subscription.objects.filter(tenant=world.acme).delete()  # as if made before billing existed
    entry = quota.do_reserve_minutes(world.acme.schema_name, 60.0, 1000)
    assert entry.tenant_id == world.acme.pk and subscription_of(world.acme).plan.code == "free"
