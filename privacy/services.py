"""Every change to a tenant's exports: ordered by an owner, built by the `privacy_export` job, swept once
expired."""

from __future__ import annotations

from datetime import timedelta
from itertools import chain
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from media_jobs import services as job_services
from media_jobs.models import Job
from media_jobs.registry import Progress, StageOutcome
from privacy import exporting
from privacy.models import Export
from tenants.context import current_schema_name, in_each_tenant
from tenants.models import Tenant

EXPORT_KIND = "privacy_export"
UNFINISHED = (Job.State.QUEUED, Job.State.RUNNING)


def export_seconds() -> int:
    return settings.PRIVACY_EXPORT_DAYS * 86400


@transaction.atomic
def do_order_tenant_export(user: User) -> Export:
    """A new export of the tenant, built in the background; the one already under way, if there is one."""
    Tenant.objects.select_for_update().get(schema_name=current_schema_name())  # one order at a time
    pending = Export.objects.filter(job__state__in=UNFINISHED).first()
    if pending is not None:
        return pending
    job = job_services.do_start_job(EXPORT_KIND, None, user)
    return Export.objects.create(requested_by=user, job=job)


def build_export(job: Job, progress: Progress) -> StageOutcome:
    """The export stage: write every table and the media links to a zip and keep it in storage."""
    export = Export.objects.get(job=job)
    if export.file:  # a redelivered message: the zip is kept already
        return StageOutcome(skipped=True, job_result=_result(export))
    progress(0.1, "Writing the tables")
    media = ("media", exporting.media_links(export_seconds()))
    path, counts = exporting.write_zip(chain(exporting.tenant_tables(), [media]))
    progress(0.9, "Keeping the zip")
    try:
        do_keep_export_file(export, path, counts)
    finally:
        path.unlink()
    return StageOutcome(metrics={"bytes": export.size_bytes}, job_result=_result(export))


def _result(export: Export) -> dict[str, Any]:
    return {"export": str(export.uid), "counts": export.counts}


@transaction.atomic
def do_keep_export_file(export: Export, path: Any, counts: dict[str, int]) -> None:
    with open(path, "rb") as handle:
        export.file.save(f"{export.uid}.zip", File(handle), save=False)
    export.size_bytes, export.counts = export.file.size, counts
    export.expires_at = timezone.now() + timedelta(seconds=export_seconds())
    export.save(update_fields=["file", "size_bytes", "counts", "expires_at"])


def do_delete_export_file(export: Export) -> None:
    """Delete an export's zip from storage (the row stays, as the record that it was made)."""
    export.file.delete(save=False)
    export.save(update_fields=["file"])


def sweep_expired_exports() -> int:
    """Delete the zips of every tenant's expired exports; how many."""
    return sum(in_each_tenant(_sweep_tenant_exports))


def _sweep_tenant_exports(schema_name: str) -> int:
    expired = list(Export.objects.exclude(file="").filter(expires_at__lte=timezone.now()))
    for export in expired:
        do_delete_export_file(export)
    return len(expired)
