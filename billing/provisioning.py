"""Every new tenant starts on a plan: billing's provisioner for tenants.do_create_tenant (a tenants hook)."""

from __future__ import annotations

from billing import services
from tenants.models import Tenant


class PlanProvisioner:
    """`plan`: a plan code (Free unless given); paid plans bought through signup start on Free until
    Stripe confirms payment."""

    def check(self, options: dict[str, str]) -> None:
        services.get_plan(options.get("plan", services.FREE_PLAN))  # an unknown plan is refused early

    def provision(self, tenant: Tenant, options: dict[str, str]) -> None:
        services.do_start_subscription(tenant, options.get("plan", services.FREE_PLAN))
