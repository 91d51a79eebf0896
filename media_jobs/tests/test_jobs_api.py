from django.test import Client

from media_jobs.tests.factories import make_jobs


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
