"""The video list: filters (the engine's and those moderation and clips register), sorting, pages that keep
the filters, bad values named and ignored, and another tenant's videos never listed."""

import datetime as dt
import re

from django.utils import timezone
from django_tenants.utils import schema_context

from clips.tests.factories import make_clip, make_run
from conftest import client_for
from media_jobs.models import Job, Video
from moderation.models import Case
from moderation.tests.factories import make_video_row


def _titles(page: str) -> list[str]:
    return re.findall(r'<tr data-video="\d+">\s*<td><a href="/videos/\d+/">([^<]+)</a>', page)


def _get(client, query: str = "") -> str:
    response = client.get(f"/videos/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def _case(tenant, video: Video, state: str) -> None:
    with schema_context(tenant.schema_name):
        Case.objects.create(video=video, state=state)


def test_it_lists_only_the_tenants_videos(world):
    make_video_row(world.acme, title="launch")
    make_video_row(world.globex, title="secret")
    page = _get(client_for(world.alice))
    assert _titles(page) == ["launch"]
    assert _titles(_get(client_for(world.charlie))) == ["secret"]


def test_it_says_what_to_do_when_there_are_no_videos(world):
    page = _get(client_for(world.alice))
    assert "No videos yet." in page and 'href="/"' in page


def test_it_filters_by_moderation_outcome_and_clips(world):
    approved, waiting, clean = (make_video_row(world.acme, title=t) for t in ("approved", "waiting", "clean"))
    _case(world.acme, approved, Case.State.CENSORED)
    _case(world.acme, waiting, Case.State.ESCALATED)
    _case(world.acme, clean, Case.State.CLEAN)
    make_clip(world.acme, make_run(world.acme, video=clean))
    client = client_for(world.alice)
    assert _titles(_get(client, "moderation=approved")) == ["approved"]
    assert _titles(_get(client, "moderation=waiting")) == ["waiting"]
    assert _titles(_get(client, "moderation=clean&clips=yes")) == ["clean"]
    assert _titles(_get(client, "clips=no&sort=name")) == ["approved", "waiting"]
    rejected = _get(client, "moderation=rejected")
    assert _titles(rejected) == [] and "moderators find them in the admin" in rejected


def test_it_filters_by_latest_job_name_and_upload_date(world):
    old, new = make_video_row(world.acme, title="Old keynote"), make_video_row(world.acme, title="New launch")
    with schema_context(world.acme.schema_name):
        Video.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
        Job.objects.create(kind="moderation", video=new, state=Job.State.SUCCEEDED)
        Job.objects.create(kind="clips", video=new, state=Job.State.FAILED)  # the latest job of `new`
    client = client_for(world.alice)
    assert _titles(_get(client, "job_state=failed")) == ["New launch"]
    assert _titles(_get(client, "job_state=succeeded")) == []
    assert _titles(_get(client, "q=KEYNOTE")) == ["Old keynote"]
    since = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    assert _titles(_get(client, f"uploaded_from={since}")) == ["New launch"]
    assert _titles(_get(client, f"uploaded_to={since}")) == ["Old keynote"]
    assert "No videos match these filters." in _get(client, "q=nothing-like-it")


def test_it_sorts(world):
    for title, duration in (("b", 30.0), ("a", 90.0), ("c", 10.0)):
        make_video_row(world.acme, title=title, duration=duration)
    client = client_for(world.alice)
    assert _titles(_get(client)) == ["c", "a", "b"]  # newest first
    assert _titles(_get(client, "sort=oldest")) == ["b", "a", "c"]
    assert _titles(_get(client, "sort=name")) == ["a", "b", "c"]
    assert _titles(_get(client, "sort=duration")) == ["a", "b", "c"]


def test_it_ignores_bad_filter_values_with_a_visible_note(world):
    make_video_row(world.acme, title="launch")
    page = _get(
        client_for(world.alice), "moderation=maybe&uploaded_from=yesterday&sort=loudest&job_state=done&page=x"
    )
    assert _titles(page) == ["launch"]
    notes = re.search(r'<div class="notice warning" role="status" id="filter-notes">(.*?)</div>', page, re.S)
    assert notes is not None
    for label in ("Moderation:", "Uploaded from:", "Sort:", "Latest job:"):
        assert label in notes.group(1)
    backwards = _get(client_for(world.alice), "uploaded_from=2026-03-01&uploaded_to=2026-01-01")
    assert "The range ends before it starts. This filter was ignored." in backwards


def test_it_pages_by_25_with_links_that_keep_the_filters(world, django_assert_max_num_queries):
    for number in range(30):
        make_video_row(world.acme, title=f"reel {number:02d}")
    make_video_row(world.acme, title="other")
    client = client_for(world.alice)
    with django_assert_max_num_queries(12):  # no query per row
        first = _get(client, "q=reel&sort=name")
    assert _titles(first) == [f"reel {n:02d}" for n in range(25)]
    assert 'href="?q=reel&amp;sort=name&amp;page=2"' in first and "Page 1 of 2" in first
    second = _get(client, "q=reel&sort=name&page=2")
    assert _titles(second) == [f"reel {n:02d}" for n in range(25, 30)]
    assert 'href="?q=reel&amp;sort=name&amp;page=1"' in second


def test_it_links_the_list_from_the_nav_and_the_dashboard(world):
    page = client_for(world.alice).get("/").content.decode()
    assert '<li><a href="/videos/">Videos</a></li>' in page
    assert 'href="/videos/">All videos, with filters</a>' in page
