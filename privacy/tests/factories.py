"""A tenant with something of everything an export holds: a video with a stored original, its moderation
case and flags, a moderator's decision, a transcript segment (with its vectors)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context

from media_jobs.models import Job, Video
from moderation.models import Decision
from moderation.stages import MODERATION
from moderation.tests.factories import make_watched_video
from privacy import services
from privacy.models import Export
from search.models import TEXT_DIMENSIONS, Segment
from tenants.models import Tenant

ORIGINAL = b"not really an mp4, but bytes the link must return"


def make_tenant_data(tenant: Tenant, user: User, title: str = "Launch day") -> Video:
    with schema_context(tenant.schema_name):
        video = Video(title=title, uploaded_by=user, size_bytes=len(ORIGINAL), duration=10)
        video.original.save("original.mp4", ContentFile(ORIGINAL))
        case = make_watched_video(tenant, video)
        Decision.objects.create(case=case, actor=user, action=Decision.Action.APPROVE, reason="fine")
        job = Job.objects.get(video=video, kind=MODERATION)
        Segment.objects.create(
            video=video, job=job, start=0, end=4, text="Welcome back. The launch is today.", keyframe_time=2,
            embedding=[0.5] * TEXT_DIMENSIONS, embedding_model="test", moderation_state=case.state,
            video_created_at=video.created_at, video_duration=10,
        )  # fmt: skip
    return video


def built_export(tenant: Tenant, user: User) -> Export:
    """An export ordered and built here, by the stage function (no worker)."""
    with schema_context(tenant.schema_name):
        export = services.do_order_tenant_export(user)
        assert export.job is not None
        services.build_export(export.job, lambda fraction, description="": None)
        export.refresh_from_db()
        return export


def read_zip(content: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.removesuffix(".json"): json.loads(archive.read(name)) for name in archive.namelist()}
