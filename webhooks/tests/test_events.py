"""Where events come from: each is heard from the app that makes it happen (a signal; those apps never
import webhooks), says what a receiver needs, reaches only the endpoints that chose it, and is recorded
in the transaction that made it happen (rolled back with it). No worker runs here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django_tenants.utils import schema_context

from clips import services as clips
from clips.models import Rendition
from clips.tests.factories import make_clip
from media_jobs.outcomes import do_fail_job, do_finish_job
from media_jobs.tests.factories import make_jobs
from moderation import decisions
from moderation.models import Decision
from moderation.tests.test_decisions import _queued_case
from recaps import rendering
from recaps.models import Recap
from webhooks.models import Delivery, Event
from webhooks.tests.factories import make_endpoint

URL = "https://hooks.example.com/reelremix"


def _sent(tenant) -> list[tuple[str, dict]]:
    with schema_context(tenant.schema_name):
        return [(d.event, d.payload) for d in Delivery.objects.order_by("id")]


def test_it_records_a_failed_job_with_its_kind_video_and_error(world):
    make_endpoint(world.acme, URL, [Event.JOB_FAILED])
    job = make_jobs(world.acme)[0]
    with schema_context(world.acme.schema_name):
        do_fail_job(job.pk, "The worker ran out of memory")
    [(event, payload)] = _sent(world.acme)
    assert event == payload["event"] == "job.failed"
    assert payload["data"]["job"] == job.pk and payload["data"]["kind"] == "selfcheck"
    assert payload["data"]["error"] == "The worker ran out of memory" and payload["data"]["video"] is None
    assert set(payload) == {"id", "event", "created", "data"}


def test_it_sends_events_only_to_active_endpoints_that_chose_them(world):
    make_endpoint(world.acme, URL, [Event.JOB_FAILED])  # not this event
    make_endpoint(world.acme, URL + "/off", [Event.JOB_SUCCEEDED], active=False)
    chosen = make_endpoint(world.acme, URL + "/on", [Event.JOB_SUCCEEDED, Event.JOB_FAILED])
    job = make_jobs(world.acme)[0]
    with schema_context(world.acme.schema_name):
        do_finish_job(job, {})
        assert list(Delivery.objects.values_list("endpoint_id", "event")) == [(chosen.pk, "job.succeeded")]


def test_it_records_nothing_when_the_event_is_rolled_back(world):
    make_endpoint(world.acme, URL)
    job = make_jobs(world.acme)[0]
    with schema_context(world.acme.schema_name), pytest.raises(RuntimeError), transaction.atomic():
        do_finish_job(job, {})
        raise RuntimeError("the job's transaction fails after it ended")
    assert _sent(world.acme) == []


def test_it_records_a_moderators_decision_with_a_pseudonymous_id(world):
    make_endpoint(world.acme, URL, [Event.CASE_DECIDED])
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        world.alice.user.groups.add(Group.objects.get(name=decisions.MODERATORS_GROUP))
        moderator = type(world.alice.user).objects.get(pk=world.alice.user.pk)
        decisions.do_decide_case(case.pk, moderator, Decision.Action.ESCALATE)
        decisions.do_decide_case(case.pk, moderator, Decision.Action.REJECT, "not for us")
        decided_at = Decision.objects.filter(case=case).latest("id").created_at
    (_, escalated), (_, rejected) = _sent(world.acme)
    assert rejected["data"] == {
        "case": case.pk, "video": case.video_id, "decision": "reject", "state": "rejected",
        "moderator": escalated["data"]["moderator"], "decided_at": decided_at.isoformat(),
    }  # fmt: skip
    moderator_id = rejected["data"]["moderator"]
    assert re.fullmatch(r"mod_[0-9a-f]{16}", moderator_id)  # a keyed hash: neither the name nor the id


def test_it_records_a_ready_clip_once_with_its_rendition_paths(world):
    make_endpoint(world.acme, URL, [Event.CLIP_READY])
    clip = make_clip(world.acme)
    with schema_context(world.acme.schema_name):
        Rendition.objects.create(
            clip=clip, aspect="9:16", version=1, file="c.mp4", thumbnail="c.jpg", width=1080, height=1920,
            duration=20.0, size_bytes=1,
        )  # fmt: skip
        clips.do_mark_ready(clip)
        clips.do_mark_ready(clip)  # a render stage run again after a crash: not a second event
    [(_, payload)] = _sent(world.acme)
    assert payload["data"] == {
        "clip": clip.pk, "video": clip.video_id, "version": 1,
        "renditions": [{"aspect": "9:16", "url": f"/clips/{clip.pk}/9x16.mp4"}],
    }  # fmt: skip


def test_it_records_a_kept_recap_with_its_path(world, tmp_path: Path):
    make_endpoint(world.acme, URL, [Event.RECAP_READY])
    clip = make_clip(world.acme)
    (tmp_path / "recap.mp4").write_bytes(b"not really a video")
    (tmp_path / "thumb.jpg").write_bytes(b"not really a picture")
    with schema_context(world.acme.schema_name):
        recap = Recap.objects.create(video=clip.video, script="-")
        rendering._keep(recap, tmp_path / "recap.mp4", tmp_path / "thumb.jpg", 12.5, {})
    [(event, payload)] = _sent(world.acme)
    assert (event, payload["data"]) == (
        "recap.ready",
        {"recap": recap.pk, "video": clip.video_id, "duration": 12.5, "url": f"/recaps/{recap.pk}.mp4"},
    )
