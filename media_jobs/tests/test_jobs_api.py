from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from media_jobs import registry
from media_jobs.tests.factories import make_jobs, make_moderated_videos
from moderation.stages import MODERATION


def _api(persona, host=None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def test_it_lists_only_the_tenant_jobs(world):
    acme_jobs = make_jobs(world.acme, count=2)
    make_jobs(world.globex, count=3)
    body = _api(world.alice).get("/api/v1/jobs/").json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {job.pk for job in acme_jobs}


def test_it_checks_tenant_for_another_tenants_job_id(world):
    *_, acme_job = make_jobs(world.acme, count=3)
    make_jobs(world.globex, count=1)
    assert _api(world.charlie).get(f"/api/v1/jobs/{acme_job.pk}/").status_code == 404
    assert _api(world.alice).get(f"/api/v1/jobs/{acme_job.pk}/").json()["state"] == "queued"


def test_it_checks_ownership_anonymous_calls_are_refused(world):
    response = Client(HTTP_HOST="acme.localhost").get("/api/v1/jobs/")
    assert response.status_code == 401


def test_it_queues_a_selfcheck(world):
    response = _api(world.bob).post("/api/v1/jobs/selfcheck/")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["state"], body["progress_url"]) == (
        "selfcheck",
        "queued",
        f"/ws/progress/{body['id']}/",
    )


def test_it_lists_a_page_in_the_same_number_of_queries_whatever_its_size(world):
    client = _api(world.alice)
    client.get("/api/v1/jobs/")  # the token's last use is stamped now, not in one of the two counted
    make_moderated_videos(world.acme, 5)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/jobs/?page_size=5").json()["results"]) == 5
    make_moderated_videos(world.acme, 45)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/jobs/?page_size=50").json()["results"]) == 50
    assert len(large) == len(small)


def test_it_shows_a_jobs_stages_on_its_own_page(world):
    (video,) = make_moderated_videos(world.acme, 1)
    with schema_context(world.acme.schema_name):
        job = video.jobs.get()
    body = _api(world.alice).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (
        len(body["stages"]) == len(registry.stages_of(MODERATION)) and body["stages"][0]["claimed_by"] == ""
    )
