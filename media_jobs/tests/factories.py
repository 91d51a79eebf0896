from django_tenants.utils import schema_context

from media_jobs.models import Job
from tenants.models import Tenant


def make_jobs(tenant: Tenant, count: int = 1, **fields: object) -> list[Job]:
    """Self-check jobs in `tenant`'s schema, without queuing any work."""
    with schema_context(tenant.schema_name):
        return [Job.objects.create(kind=Job.Kind.SELFCHECK, progress_total=5, **fields) for _ in range(count)]
