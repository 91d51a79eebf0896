from django_tenants.utils import schema_context

from media_jobs import registry
from media_jobs.models import Artifact, Job, Stage, Video
from media_jobs.stages import SELFCHECK
from moderation.stages import MODERATION
from tenants.models import Tenant


def make_jobs(tenant: Tenant, count: int = 1, **fields: object) -> list[Job]:
    """Self-check jobs in `tenant`'s schema, without queuing any work."""
    with schema_context(tenant.schema_name):
        return [Job.objects.create(kind=SELFCHECK, progress_total=5, **fields) for _ in range(count)]


def make_moderated_videos(tenant: Tenant, count: int) -> list[Video]:
    """Videos (no media) as moderation leaves them: a finished job with every stage, every other one
    with a censored output."""
    made = []
    with schema_context(tenant.schema_name):
        for number in range(count):
            video = Video.objects.create(
                title=f"reel {number}", original="none.mp4", size_bytes=1, duration=60
            )
            job = Job.objects.create(kind=MODERATION, video=video, state=Job.State.SUCCEEDED)
            Stage.objects.bulk_create(
                Stage(job=job, name=name, state=Stage.State.SUCCEEDED)
                for name in registry.stages_of(MODERATION)
            )
            if number % 2:
                Artifact.objects.create(
                    video=video, job=job, kind=Artifact.Kind.CENSORED, file="censored.mp4"
                )
            made.append(video)
    return made
