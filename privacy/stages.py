"""The privacy job kind: a tenant's export, one stage on the CPU queue (it has no video)."""

from media_jobs.registry import JobKind, StageSpec
from privacy import services

JOB_KINDS = [JobKind(services.EXPORT_KIND, "Export the tenant's data", ("privacy_export_build",))]
STAGES = [StageSpec("privacy_export_build", "Build the export", services.build_export, weight=100)]
