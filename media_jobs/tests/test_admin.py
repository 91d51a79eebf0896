"""The engine's rows in the tenant admin: read-only pages for operators, bounded queries, tenants kept
apart, and every POST that would change or delete refused."""

from collections.abc import Iterable

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from conftest import Persona, client_for, platform_operator
from media_jobs.models import Artifact, Job, Stage, Video
from media_jobs.stages import EXTRACT, SELFCHECK
from media_jobs.tests.factories import make_jobs, make_moderated_videos
from moderation.stages import DETECT

JOBS, VIDEOS = "/admin/media_jobs/job/", "/admin/media_jobs/video/"
VIEW_ALL = ("view_job", "view_stage", "view_video", "view_artifact")


def _staff(persona: Persona, *, superuser: bool = False, perms: Iterable[str] = ()) -> Client:
    """A logged-in browser for `persona` made staff in its own tenant (the shared persona object is
    left as it is: only its row changes, and the test's transaction rolls that back)."""
    with schema_context(persona.tenant.schema_name):
        User.objects.filter(pk=persona.user.pk).update(is_staff=True, is_superuser=superuser)
        persona.user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return client_for(persona)


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client, path)
    return len(captured)


def _job_rows(client: Client, path: str) -> list[str]:
    """The jobs a changelist shows, by their video's title (the kind for a job without a video)."""
    rows = client.get(path).context["cl"].result_list
    return [job.video.title if job.video else job.kind for job in rows]


def test_it_lists_jobs_with_kind_label_video_state_and_progress(world):
    make_moderated_videos(world.acme, 2)
    make_jobs(world.acme, 1, state=Job.State.FAILED, error="ffmpeg exited with 1", progress_current=2)
    page = _page(_staff(world.alice, superuser=True), JOBS)
    assert "Moderation" in page and "Pipeline self-check" in page  # labels from the registry
    assert "reel 0" in page and "reel 1" in page
    assert "Succeeded" in page and "Failed" in page
    assert "40 %" in page and "ffmpeg exited with 1" in page
    assert "3 jobs" in page


def test_it_lists_videos_with_the_state_of_their_latest_job(world):
    first, _ = make_moderated_videos(world.acme, 2)
    with schema_context(world.acme.schema_name):
        Job.objects.create(kind=SELFCHECK, video=first, state=Job.State.RUNNING)
    client = _staff(world.alice, superuser=True)
    rows = client.get(VIDEOS).context["cl"].result_list
    assert {video.title: video.latest_state for video in rows} == {"reel 0": "running", "reel 1": "succeeded"}
    page = _page(client, VIDEOS)
    assert "Running" in page and "60.0 s" in page and "2 videos" in page


def test_it_shows_a_jobs_stages_inline_read_only(world):
    (video,) = make_moderated_videos(world.acme, 1)
    with schema_context(world.acme.schema_name):
        job = video.jobs.get()
        Stage.objects.filter(job=job, name=DETECT).update(
            state=Stage.State.RUNNING, attempts=2, claimed_by="gpu-host:4242", error="CUDA out of memory"
        )
    page = _page(_staff(world.alice, superuser=True), f"{JOBS}{job.pk}/change/")
    assert "Extract frames and audio" in page and "Detect nudity and faces" in page  # stage.label
    assert "gpu-host:4242" in page and "CUDA out of memory" in page
    assert 'name="_save"' not in page and "/delete/" not in page


def test_it_shows_a_videos_artifacts_inline(world):
    _, censored = make_moderated_videos(world.acme, 2)
    page = _page(_staff(world.alice, superuser=True), f"{VIDEOS}{censored.pk}/change/")
    assert "censored.mp4" in page and "Succeeded" in page  # its artifact, its latest job's state
    assert 'name="_save"' not in page


def test_it_filters_jobs_by_state_and_kind(world):
    make_moderated_videos(world.acme, 2)
    make_jobs(world.acme, 1, state=Job.State.FAILED)
    client = _staff(world.alice, superuser=True)
    assert _job_rows(client, f"{JOBS}?kind={SELFCHECK}") == [SELFCHECK]
    assert _job_rows(client, f"{JOBS}?state__exact=succeeded") == ["reel 1", "reel 0"]
    assert _job_rows(client, f"{JOBS}?state__exact=failed&kind=moderation") == []
    assert "Pipeline self-check" in _page(client, JOBS)  # the filter's choice, by label


@pytest.mark.parametrize(("path", "rows"), [(JOBS, "10 jobs"), (VIDEOS, "10 videos")])
def test_it_renders_a_changelist_in_a_fixed_number_of_queries(world, path, rows):
    client = _staff(world.alice, superuser=True)
    make_moderated_videos(world.acme, 2)
    _page(client, path)  # per-process caches (tenant by host, content types) warm up
    few = _queries(client, path)
    make_moderated_videos(world.acme, 8)
    assert _queries(client, path) == few  # no query per row
    assert rows in _page(client, path)


def test_it_renders_a_jobs_page_in_a_fixed_number_of_queries_whatever_its_stages(world):
    client = _staff(world.alice, superuser=True)
    small, large = make_jobs(world.acme, 2)
    with schema_context(world.acme.schema_name):
        Stage.objects.create(job=small, name=EXTRACT)
        Stage.objects.bulk_create(Stage(job=large, name=f"stage {n}") for n in range(8))
    _page(client, f"{JOBS}{small.pk}/change/")
    assert _queries(client, f"{JOBS}{large.pk}/change/") == _queries(client, f"{JOBS}{small.pk}/change/")


def test_it_renders_a_videos_page_in_a_fixed_number_of_queries_whatever_its_artifacts(world):
    client = _staff(world.alice, superuser=True)
    plain, censored = make_moderated_videos(world.acme, 2)
    with schema_context(world.acme.schema_name):
        job = censored.jobs.get()
        Artifact.objects.bulk_create(
            Artifact(video=censored, job=job, kind=kind, file=f"{kind}.bin")
            for kind in ("frames", "audio", "scenes")
        )
    bare, full = f"{VIDEOS}{plain.pk}/change/", f"{VIDEOS}{censored.pk}/change/"  # 0 and 4 artifacts
    _page(client, bare)
    assert _queries(client, full) == _queries(client, bare)
    assert "scenes.bin" in _page(client, full)


def test_it_lets_staff_with_view_permission_view(world):
    _, censored = make_moderated_videos(world.acme, 2)
    with schema_context(world.acme.schema_name):
        job = censored.jobs.get()
    bob = _staff(world.bob, perms=VIEW_ALL)
    assert "reel 1" in _page(bob, JOBS) and "reel 1" in _page(bob, VIDEOS)
    assert "Transcribe speech" in _page(bob, f"{JOBS}{job.pk}/change/")
    assert "censored.mp4" in _page(bob, f"{VIDEOS}{censored.pk}/change/")


def test_it_checks_permissions_staff_without_view_permission_are_refused(world):
    make_moderated_videos(world.acme, 1)
    bob = _staff(world.bob)
    assert bob.get(JOBS).status_code == 403
    assert "/admin/media_jobs/" not in _page(bob, "/admin/")


def test_it_checks_tenant_globex_staff_see_none_of_acmes_rows(world):
    (video,) = make_moderated_videos(world.acme, 1)
    with schema_context(world.acme.schema_name):
        job = video.jobs.get()
    charlie = _staff(world.charlie, superuser=True)
    assert "0 jobs" in _page(charlie, JOBS) and "0 videos" in _page(charlie, VIDEOS)
    for path in (f"{JOBS}{job.pk}/change/", f"{VIDEOS}{video.pk}/change/"):
        response = charlie.get(path)
        assert response.status_code == 404 or (response.status_code, response["Location"]) == (302, "/admin/")
        assert "reel 0" not in charlie.get(path, follow=True).content.decode()


def test_it_checks_tenant_a_globex_login_is_not_a_login_on_acmes_host(world):
    (video,) = make_moderated_videos(world.acme, 1)
    _staff(world.charlie, superuser=True)
    on_acme = client_for(world.charlie, host=world.alice.host)  # its session lives in globex's schema
    response = on_acme.get(f"{VIDEOS}{video.pk}/change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_it_sends_a_non_staff_user_to_the_admin_login(world):
    make_moderated_videos(world.acme, 1)
    for path in (JOBS, VIDEOS):
        response = client_for(world.alice).get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={path}"


def test_it_refuses_posts_that_would_add_change_or_delete(world):
    _, video = make_moderated_videos(world.acme, 2)
    with schema_context(world.acme.schema_name):
        job = video.jobs.get()
        stages = job.stages.count()
    client = _staff(world.alice, superuser=True)
    posts = [
        (f"{JOBS}{job.pk}/change/", {"state": "failed", "error": "x"}),
        (f"{JOBS}{job.pk}/delete/", {"post": "yes"}),
        (f"{VIDEOS}{video.pk}/change/", {"title": "renamed"}),
        (f"{VIDEOS}{video.pk}/delete/", {"post": "yes"}),
        (f"{JOBS}add/", {"kind": SELFCHECK}),
        (JOBS, {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"}),
        (VIDEOS, {"action": "delete_selected", "_selected_action": [video.pk], "post": "yes"}),
    ]
    assert [client.post(path, data).status_code for path, data in posts] == [403] * len(posts)
    with schema_context(world.acme.schema_name):
        assert Video.objects.get(pk=video.pk).title == "reel 1"
        assert Job.objects.filter(kind=SELFCHECK).count() == 0
        assert list(Job.objects.filter(pk=job.pk).values_list("state", "error")) == [("succeeded", "")]
        assert Stage.objects.filter(job=job).count() == stages
        assert Artifact.objects.filter(video=video).count() == 1


def test_it_keeps_the_engine_off_the_platform_admin(world):
    (job,) = make_jobs(world.acme, 1)
    client = platform_operator()
    assert "/admin/media_jobs/" not in _page(client, "/admin/")
    assert client.get(JOBS).status_code == 403
    # A job's page there is refused before any row is read: the public schema has no job table.
    assert client.get(f"{JOBS}{job.pk}/change/").status_code == 403
