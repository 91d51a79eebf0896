"""Clip rows without media, for tests of what the API, pages and admin show."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from clips.models import Clip, ClipRun
from clips.services import CLIPS
from media_jobs.models import Job, Video
from media_jobs.tests.factories import make_moderated_videos
from tenants.models import Tenant


def make_run(tenant: Tenant, video: Video | None = None) -> ClipRun:
    """A finished clips run of `video` (else of a new moderated 60-second video)."""
    video = video or make_moderated_videos(tenant, 1)[0]
    with schema_context(tenant.schema_name):
        job = Job.objects.create(kind=CLIPS, video=video, state=Job.State.SUCCEEDED)
        return ClipRun.objects.create(
            job=job, video=video, min_seconds=15, max_seconds=60, count=3, aspects=["9:16"]
        )


def make_clip(tenant: Tenant, run: ClipRun | None = None, **fields: Any) -> Clip:
    run = run or make_run(tenant)
    defaults = {"rank": 1, "start": 5.0, "end": 25.0, "score": 0.5, "title": "A clip", "state": "pending"}
    with schema_context(tenant.schema_name):
        return Clip.objects.create(run=run, video=run.video, **{**defaults, **fields})
