"""Asking for an upscale: the estimate before it starts, the minutes reserved, every refusal clear and
made before anything is queued or charged, and another tenant's ids leading nowhere. No worker runs here."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from billing.tests.conftest import put_on_plan
from conftest import client_for
from media_jobs.models import Job
from moderation.models import Case
from upscale import services
from upscale.errors import UpscaleRefusal
from upscale.models import Upscale
from upscale.options import ENCODE_SECONDS_PER_MEGAPIXEL, MODELS
from upscale.tests.factories import sized_video


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _ask(persona, video_id: int, **options):
    return _api(persona).post(f"/api/v1/videos/{video_id}/upscale/", options, content_type="application/json")


def _estimate(persona, video_id: int, **options):
    return _api(persona).get(f"/api/v1/videos/{video_id}/upscale/estimate/", options)


def _upscale_jobs(tenant) -> int:
    with schema_context(tenant.schema_name):
        return Job.objects.filter(kind=services.UPSCALE).count()


def test_it_queues_the_job_with_the_videos_minutes_reserved(world):
    video = sized_video(world.acme, 640, 360, duration=60.0)
    response = _ask(world.alice, video.pk, scale="2x")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["width"], body["height"], body["model"], body["ai"]) == (1280, 720, "animevideov3", True)
    assert body["method"] == "Real-ESRGAN animevideov3 x2 (AI)" and body["url"] is None
    per_frame = (
        1280 * 720 / 1e6 * (MODELS["animevideov3"].cpu_seconds_per_megapixel + ENCODE_SECONDS_PER_MEGAPIXEL)
    )
    assert body["estimate"] == {
        "frames": 1500,
        "cpu_seconds": round(1500 * per_frame, 1),
        "minutes_charged": 1.0,
    }
    with schema_context(world.acme.schema_name):
        stages = Upscale.objects.get(pk=body["id"]).job.stages.values_list("name", "state")
        assert sorted(stages) == [("upscale_assemble", "pending"), ("upscale_chunks", "queued")]
    entry = UsageEntry.objects.get(job_id=body["job"]["id"], tenant=world.acme)
    assert entry.state == UsageEntry.State.RESERVED and entry.seconds == 60


def test_it_estimates_before_anything_starts(world):
    video = sized_video(world.acme, 640, 360, duration=10.0)
    ai = _estimate(world.alice, video.pk, scale="1080").json()
    assert (ai["width"], ai["height"], ai["frames"], ai["minutes_charged"]) == (1920, 1080, 250, 0.17)
    assert ai["method"] == "Real-ESRGAN animevideov3 x3 (AI)"
    lanczos = _estimate(world.alice, video.pk, scale="1080", model="lanczos").json()
    assert lanczos["method"] == "lanczos to 1920x1080 (not AI)" and lanczos["ai"] is False
    assert lanczos["cpu_seconds"] < ai["cpu_seconds"] / 10
    slow = _estimate(world.alice, video.pk, scale="2x", model="x4plus").json()
    assert slow["method"] == "Real-ESRGAN x4plus x4 (AI), then lanczos to 1280x720"
    assert _upscale_jobs(world.acme) == 0


def test_a_4k_source_at_4x_is_refused_with_the_largest_output_said(world):
    video = sized_video(world.acme, 3840, 2160)
    for response in (_ask(world.alice, video.pk, scale="4x"), _estimate(world.alice, video.pk, scale="4x")):
        assert response.status_code == 400 and response.json()["error"]["code"] == "too_large"
        assert (
            "15360x8640" in response.json()["error"]["message"]
            and "3840x2160" in response.json()["error"]["message"]
        )
    portrait = sized_video(world.acme, 720, 1280)
    refused = _ask(world.alice, portrait.pk, scale="4x").json()
    assert (
        "the largest output is 3840x2160 (4K UHD), which for this video is 2160x3840 (x3.00)"
        in refused["error"]["message"]
    )
    assert _upscale_jobs(world.acme) == 0


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"model": "waifu2x"}, "unknown_model"),
        ({"scale": "5x"}, "bad_scale"),
        ({"scale": "900"}, "bad_scale"),
        ({"scale": "720"}, "not_larger"),
    ],
)
def test_bad_options_are_refused_with_what_is_offered(world, options, code):
    video = sized_video(world.acme, 1280, 720)
    response = _ask(world.alice, video.pk, **options)
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert _upscale_jobs(world.acme) == 0


def test_a_denoise_strength_is_refused_saying_the_models_have_none(world):
    video = sized_video(world.acme, 640, 360)
    response = _ask(world.alice, video.pk, denoise=0.5)
    assert (
        response.status_code == 400
        and "no denoise strength" in response.json()["error"]["details"]["denoise"][0]
    )


def test_a_video_not_moderated_or_rejected_is_not_upscaled(world):
    video = sized_video(world.acme, 640, 360)
    with schema_context(world.acme.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.RUNNING)
    assert _ask(world.alice, video.pk).json()["error"] == {
        "code": "not_moderated",
        "message": "This video is still being moderated; upscale it once it is done.",
        "details": {},
    }  # fmt: skip
    with schema_context(world.acme.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.FAILED)
    assert _ask(world.alice, video.pk).status_code == 409
    with schema_context(world.acme.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.SUCCEEDED)
        Case.objects.create(video=video, state=Case.State.REJECTED)
        with pytest.raises(UpscaleRefusal, match="A moderator rejected this video"):
            services.do_start_upscale(video, world.alice.user, "animevideov3", "2x")  # the CLI's way in
    assert _ask(world.alice, video.pk).status_code == 404  # the API does not show a rejected video at all
    assert _upscale_jobs(world.acme) == 0


def test_a_plan_without_upscaling_is_refused_with_the_upgrade_path(world):
    video = sized_video(world.acme, 640, 360)
    put_on_plan(world.acme, upscale=False)
    response = _ask(world.alice, video.pk)
    assert response.status_code == 402
    assert (
        response.json()["error"]["details"]["limit"] == "upscale"
        and response.json()["error"]["details"]["upgrade_url"] == "/billing/"
    )
    page = client_for(world.alice).get(f"/videos/{video.pk}/")
    assert b"Upscaling is not part of your plan" in page.content
    assert _upscale_jobs(world.acme) == 0


def test_upscale_minutes_count_against_the_quota(world):
    video = sized_video(world.acme, 640, 360, duration=120.0)
    put_on_plan(world.acme, upscale=True, minutes_per_month=3)
    assert _ask(world.alice, video.pk).status_code == 202
    refused = _ask(world.alice, video.pk)
    assert refused.status_code == 402 and refused.json()["error"]["details"]["limit"] == "minutes_per_month"


def test_it_checks_tenant(world):
    video = sized_video(world.acme, 640, 360)
    mine = _ask(world.alice, video.pk).json()
    assert _ask(world.charlie, video.pk).status_code == 404
    assert _estimate(world.charlie, video.pk).status_code == 404
    assert _api(world.charlie).get(f"/api/v1/upscales/{mine['id']}/").status_code == 404
    assert _api(world.charlie).get("/api/v1/upscales/").json()["results"] == []
    assert _api(world.charlie).get(f"/upscales/{mine['id']}/file").status_code == 404
    charlie = client_for(world.charlie)
    assert charlie.post(f"/videos/{video.pk}/upscale/", {"scale": "2x"}).status_code == 404
    assert _upscale_jobs(world.globex) == 0


def test_the_video_page_offers_the_form_and_the_estimates(world):
    video = sized_video(world.acme, 640, 360, duration=10.0)
    alice = client_for(world.alice)
    page = alice.get(f"/videos/{video.pk}/").content.decode()
    assert f'action="/videos/{video.pk}/upscale/"' in page and "Lanczos (not AI" in page
    assert "1920x1080" in page and "lanczos to 1280x720 (not AI)" in page and "at most 3840x2160" in page
    response = alice.post(f"/videos/{video.pk}/upscale/", {"model": "lanczos", "scale": "720"})
    upscale = _api(world.alice).get("/api/v1/upscales/").json()["results"][0]
    assert response.status_code == 302 and response["Location"] == f"/jobs/{upscale['job']['id']}/"
    assert upscale["method"] == "lanczos to 1280x720 (not AI)" and upscale["ai"] is False
    refused = alice.post(f"/videos/{video.pk}/upscale/", {"scale": "9x"}, follow=True)
    assert b"scale must be one of 2x, 3x, 4x, 720, 1080, 1440, 2160" in refused.content


def test_it_lists_the_upscales_of_one_video(world):
    first, second = sized_video(world.acme, 640, 360), sized_video(world.acme, 640, 360)
    assert _ask(world.alice, first.pk).status_code == _ask(world.alice, second.pk).status_code == 202
    api = _api(world.alice)
    assert [
        found["video"] for found in api.get("/api/v1/upscales/", {"video": first.pk}).json()["results"]
    ] == [first.pk]
    assert api.get("/api/v1/upscales/").json()["count"] == 2
    refused = api.get("/api/v1/upscales/", {"video": "first"})
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"video": ["A valid integer is required."]}
