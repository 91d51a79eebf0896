"""Upscale jobs on a real worker: the output's size, frames and audio, the minutes settled to it, progress
by chunk, and a redelivered message for a finished stage changing nothing."""

from __future__ import annotations

from pathlib import Path

import dramatiq
import pytest
from django.test import Client, override_settings
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from gpu_worker.upscaling import Upscaler
from media_jobs.dispatch import stage_message
from media_jobs.models import Job
from reelremix.tests.prometheus import model_runs, model_runs_since
from upscale import services
from upscale.models import Upscale, UpscaleChunk
from upscale.stages import ASSEMBLE, CHUNKS
from upscale.tests.factories import audio_packets, decoded_frames, make_source, moderated_video_of, psnr


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return make_source(tmp_path_factory.mktemp("upscale-job") / "source.mp4", frames=10)


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


@override_settings(UPSCALE_CHUNK_FRAMES=4)
def test_it_upscales_by_chunks_and_settles_the_minutes(work_queued_jobs, committed_db, source):
    world, schema = committed_db, committed_db.acme.schema_name
    video = moderated_video_of(world.acme, source, world.alice.user)
    runs_before = model_runs()
    with schema_context(schema):
        upscale = services.do_start_upscale(video, world.alice.user, "animevideov3", "2x")
    work_queued_jobs()
    assert model_runs_since(runs_before) == {
        ("reelremix_model_seconds_per_frame", "real-esrgan-animevideov3"): 1
    }
    with schema_context(schema):
        upscale = Upscale.objects.select_related("job").get(pk=upscale.pk)
        job = upscale.job
        assert job.state == Job.State.SUCCEEDED, job.error
        chunks = job.stages.get(name=CHUNKS).metrics
        assert (chunks["chunks"], chunks["frames"], chunks["resumed_at_chunk"]) == (3, 10, 0)
        assert job.result == {
            "upscale": upscale.pk, "width": 128, "height": 72, "frames": 10, "duration": upscale.duration,
            "method": "Real-ESRGAN animevideov3 x2 (AI)", "ai": True,
        }  # fmt: skip
        assert not UpscaleChunk.objects.exists()  # the checkpoints go once the output is kept
        path = upscale.file.path
    frames, originals = decoded_frames(path), decoded_frames(source)
    assert len(frames) == 10 and frames[0].shape == (72, 128, 3)
    model = Upscaler("animevideov3", 2)
    assert min(psnr(f, model.upscale(o)) for f, o in zip(frames, originals, strict=True)) > 28
    assert audio_packets(path) == audio_packets(source)
    entry = UsageEntry.objects.get(job_id=job.pk, tenant=world.acme)
    assert entry.state == UsageEntry.State.COMMITTED and entry.seconds == pytest.approx(upscale.duration)
    assert abs(upscale.duration - video.duration) < 0.1
    answer = _api(world.alice).get(f"/api/v1/upscales/{upscale.pk}/")
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["url"].startswith(f"/upscales/{upscale.pk}/file?expires=") and body["frames"] == 10
    served = _api(world.alice).get(body["url"])
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    assert _api(world.charlie).get(body["url"]).status_code == 404
    _check_a_redelivered_message_changes_nothing(schema, upscale, work_queued_jobs)


def _check_a_redelivered_message_changes_nothing(schema: str, upscale: Upscale, work_queued_jobs) -> None:
    with schema_context(schema):
        before = (
            upscale.file.name,
            upscale.finished_at,
            list(upscale.job.stages.values_list("state", "attempts")),
        )
        for name in (CHUNKS, ASSEMBLE):
            dramatiq.get_broker().enqueue(stage_message(schema, upscale.job_id, name))
    work_queued_jobs()
    with schema_context(schema):
        upscale.refresh_from_db()
        after = (
            upscale.file.name,
            upscale.finished_at,
            list(upscale.job.stages.values_list("state", "attempts")),
        )
        assert after == before and Upscale.objects.count() == 1


def test_the_lanczos_path_is_labelled_not_ai(work_queued_jobs, committed_db, source):
    world, schema = committed_db, committed_db.acme.schema_name
    video = moderated_video_of(world.acme, source, world.alice.user)
    with schema_context(schema):
        upscale = services.do_start_upscale(video, world.alice.user, "lanczos", "720")
    work_queued_jobs()
    with schema_context(schema):
        upscale.refresh_from_db()
        assert upscale.job.result["method"] == "lanczos to 1280x720 (not AI)"
        assert upscale.job.result["ai"] is False and not upscale.is_ai
        frames = decoded_frames(upscale.file.path)
    assert len(frames) == 10 and frames[0].shape == (720, 1280, 3)
