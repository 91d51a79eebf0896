"""What each event says, and where it is heard: the signals of the apps below (they never import this
app). Each receiver runs inside the transaction that made the event happen, so its deliveries commit or
roll back with it."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from clips.models import Clip, Rendition
from clips.signals import clip_ready
from media_jobs.models import Job
from media_jobs.signals import job_finished
from moderation.models import Case, Decision
from moderation.signals import case_decided
from recaps.models import Recap
from recaps.signals import recap_ready
from tenants.context import current_schema_name
from webhooks.models import Event
from webhooks.services import do_record_event

TENANT_URLS = "reelremix.urls_tenant"  # paths in payloads are the tenant site's, even when a worker reverses


def moderator_id(user: User | None) -> str | None:
    """A stable id for a moderator that names nobody: the same person gets the same id in every event of
    this tenant, and the id says nothing of who they are."""
    if user is None:
        return None
    key = f"{current_schema_name()}:{user.pk}".encode()
    return "mod_" + hmac.new(settings.SECRET_KEY.encode(), key, hashlib.sha256).hexdigest()[:16]


def job_data(job: Job) -> dict[str, Any]:
    return {
        "job": job.pk, "kind": job.kind, "state": job.state, "video": job.video_id,
        "error": job.error or None, "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }  # fmt: skip


def case_data(case: Case, decision: Decision) -> dict[str, Any]:
    return {
        "case": case.pk, "video": case.video_id, "decision": decision.action, "state": case.state,
        "moderator": moderator_id(decision.actor), "decided_at": decision.created_at.isoformat(),
    }  # fmt: skip


def clip_data(clip: Clip) -> dict[str, Any]:
    renditions = [
        {"aspect": r.aspect, "url": reverse("clip_file", urlconf=TENANT_URLS, args=[clip.pk, r.slug, "mp4"])}
        for r in Rendition.objects.filter(clip=clip).order_by("aspect")
    ]
    return {"clip": clip.pk, "video": clip.video_id, "version": clip.version, "renditions": renditions}


def recap_data(recap: Recap) -> dict[str, Any]:
    url = reverse("recap_file", urlconf=TENANT_URLS, args=[recap.pk, "mp4"])
    return {"recap": recap.pk, "video": recap.video_id, "duration": recap.duration, "url": url}


def on_job_finished(sender: type, job: Job, **kwargs: Any) -> None:
    succeeded = job.state == Job.State.SUCCEEDED
    do_record_event(Event.JOB_SUCCEEDED if succeeded else Event.JOB_FAILED, job_data(job))


def on_case_decided(sender: type, case: Case, decision: Decision, **kwargs: Any) -> None:
    do_record_event(Event.CASE_DECIDED, case_data(case, decision))


def on_clip_ready(sender: type, clip: Clip, **kwargs: Any) -> None:
    do_record_event(Event.CLIP_READY, clip_data(clip))


def on_recap_ready(sender: type, recap: Recap, **kwargs: Any) -> None:
    do_record_event(Event.RECAP_READY, recap_data(recap))


def connect() -> None:
    """Listen to the apps below (from AppConfig.ready)."""
    job_finished.connect(on_job_finished, dispatch_uid="webhooks.job_finished")
    case_decided.connect(on_case_decided, dispatch_uid="webhooks.case_decided")
    clip_ready.connect(on_clip_ready, dispatch_uid="webhooks.clip_ready")
    recap_ready.connect(on_recap_ready, dispatch_uid="webhooks.recap_ready")
