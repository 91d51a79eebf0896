"""A tenant's export: an owner orders it (page or API), a worker builds the zip (every table as JSON,
segments without vectors, signed media links), only owners of that tenant download it, until it expires
and the sweep deletes it."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs.models import Job
from privacy import services
from privacy.models import Export
from privacy.tests.factories import ORIGINAL, built_export, make_tenant_data, read_zip
from team.models import Role
from team.tests.factories import api_client, with_role


def _download(client: Client, export: Export):
    return client.get(f"/privacy/exports/{export.uid}.zip")


def test_it_builds_the_export_in_a_worker(work_queued_jobs, committed_db):
    video = make_tenant_data(committed_db.acme, committed_db.alice.user)
    make_tenant_data(committed_db.globex, committed_db.charlie.user, title="Globex secret")
    with schema_context(committed_db.acme.schema_name):
        export = services.do_order_tenant_export(committed_db.alice.user)
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        export.refresh_from_db()
        assert export.job.state == Job.State.SUCCEEDED and export.job.video is None
        with export.file.open("rb") as handle:
            tables = read_zip(handle.read())
    assert [v["title"] for v in tables["videos"]] == ["Launch day"]  # nothing of globex
    assert [s["text"] for s in tables["segments"]] == ["Welcome back. The launch is today."]
    assert "embedding" not in tables["segments"][0] and tables["segments"][0]["start"] == 0
    assert [(f["kind"], f["start"]) for f in tables["flags"]] == [("face", 1.0), ("profanity", 3.1)]
    assert [(d["action"], d["actor_id"]) for d in tables["decisions"]] == [
        ("approve", committed_db.alice.user.pk)
    ]
    assert {"jobs", "cases", "usage", "clips", "recaps"} <= set(tables)
    assert export.counts["videos"] == 1 and export.expires_at > timezone.now() + timedelta(days=6)
    [link] = tables["media"]
    assert link["video"] == video.pk and link["file"] == "original"
    opened = Client(HTTP_HOST=committed_db.alice.host).get(link["link"])  # no session: the signature opens it
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == ORIGINAL


def test_it_lets_an_owner_order_and_download_it(world):
    owner = with_role(world.alice, Role.OWNER)
    make_tenant_data(world.acme, world.alice.user)
    response = owner.post("/privacy/exports/")
    assert response.status_code == 302
    with schema_context(world.acme.schema_name):
        [export] = Export.objects.all()
        assert export.job.kind == services.EXPORT_KIND and export.requested_by == world.alice.user
    assert owner.post("/privacy/exports/").status_code == 302  # one export under way at a time
    assert _download(owner, export).status_code == 404  # not built yet
    export = built_export(world.acme, world.alice.user)
    page = owner.get("/privacy/").content.decode()
    assert f"/privacy/exports/{export.uid}.zip" in page
    response = _download(owner, export)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert read_zip(b"".join(response.streaming_content))["videos"][0]["title"] == "Launch day"


def test_it_checks_ownership(world):
    export = built_export(world.acme, world.alice.user)
    for role in (Role.EDITOR, Role.MODERATOR, Role.VIEWER):
        member = with_role(world.bob, role)
        assert _download(member, export).status_code == 403
        assert member.get("/privacy/").status_code == 403
        assert member.post("/privacy/exports/").status_code == 403
    assert _download(Client(HTTP_HOST=world.alice.host), export).status_code == 401  # signed out
    with schema_context(world.acme.schema_name):
        assert Export.objects.count() == 1


def test_it_checks_tenant(world):
    export = built_export(world.acme, world.alice.user)
    charlie = with_role(world.charlie, Role.OWNER)
    assert _download(charlie, export).status_code == 404
    assert charlie.get(f"/api/v1/privacy/exports/{export.uid}/").status_code == 404
    assert str(export.uid) not in charlie.get("/privacy/").content.decode()
    # Charlie's session on Acme's host is no session at all.
    on_acme = client_for(world.charlie, host=world.alice.host)
    assert _download(on_acme, export).status_code == 401


def test_it_answers_the_api(world):
    with_role(world.alice, Role.OWNER)
    token = api_client(world.alice)
    ordered = token.post("/api/v1/privacy/exports/")
    assert ordered.status_code == 202 and ordered.json()["state"] == "queued"
    assert ordered.json()["download"] is None
    export = built_export(world.acme, world.alice.user)  # the one under way, built
    detail = token.get(f"/api/v1/privacy/exports/{export.uid}/").json()
    assert detail["state"] == "ready" and detail["download"] == f"/privacy/exports/{export.uid}.zip"
    assert token.get(detail["download"]).status_code == 200  # the token opens the zip too
    assert [e["uid"] for e in token.get("/api/v1/privacy/exports/").json()] == [str(export.uid)]
    with_role(world.bob, Role.EDITOR)
    assert api_client(world.bob).post("/api/v1/privacy/exports/").status_code == 403
    assert api_client(world.bob).get("/api/v1/privacy/exports/").status_code == 403


def test_it_refuses_forged_addresses(world):
    owner = with_role(world.alice, Role.OWNER)
    assert owner.get("/privacy/exports/not-a-uid.zip").status_code == 404
    assert owner.get("/privacy/exports/00000000-0000-4000-8000-000000000000.zip").status_code == 404
    assert owner.get("/api/v1/privacy/exports/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_it_expires_and_sweeps_the_zip(world):
    owner = with_role(world.alice, Role.OWNER)
    export = built_export(world.acme, world.alice.user)
    key = export.file.name
    assert default_storage.exists(key)
    with schema_context(world.acme.schema_name):
        Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _download(owner, export).status_code == 410
    assert services.sweep_expired_exports() == 1
    assert not default_storage.exists(key) and services.sweep_expired_exports() == 0
    assert "Expired" in owner.get("/privacy/").content.decode()
