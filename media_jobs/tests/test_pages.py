from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs.models import Job
from media_jobs.tests.factories import make_jobs
from moderation.tests.factories import make_video_row


def test_it_sends_anonymous_visitors_to_login(world):
    response = Client(HTTP_HOST="acme.localhost").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def _queries_for(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path).content.decode()
    return len(queries), page


def test_it_lists_the_tenant_videos_and_jobs_on_the_dashboard(world):
    make_jobs(world.acme, count=3)
    make_jobs(world.globex, count=4)
    for title in ("launch", "keynote"):
        make_video_row(world.acme, title=title)
    make_video_row(world.globex, title="secret")
    client = client_for(world.alice)
    few, page = _queries_for(client, "/")
    assert page.count("Pipeline self-check #") == 3
    assert "launch" in page and "keynote" in page and "secret" not in page
    for index in range(5):
        make_video_row(world.acme, title=f"more-{index}")
    assert _queries_for(client, "/")[0] == few  # no query per row


def test_it_shows_the_progress_bar_wired_to_the_job_socket(world):
    (job,) = make_jobs(world.acme)
    page = client_for(world.alice).get(f"/jobs/{job.pk}/").content.decode()
    assert f'new CeleryWebSocketProgressBar("/ws/progress/{job.pk}/"' in page
    assert "/static/celery_progress/websockets.js" in page


def test_it_checks_tenant_for_job_pages(world):
    *_, acme_job = make_jobs(world.acme, count=2)
    assert client_for(world.charlie).get(f"/jobs/{acme_job.pk}/").status_code == 404


def test_it_starts_a_selfcheck_from_the_dashboard(world):
    client = client_for(world.alice)
    assert client.get("/jobs/selfcheck/").status_code == 405
    response = client.post("/jobs/selfcheck/")
    with schema_context(world.acme.schema_name):
        job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.created_by == world.alice.user
