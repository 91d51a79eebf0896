"""The Case changelist is the moderators' queue: ordering, annotated columns, bounded queries,
actions through the decision services, permissions and tenants."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from media_jobs.models import Video
from moderation.decisions import MODERATORS_GROUP
from moderation.models import Action, Case, Decision, Flag, Kind

QUEUE = "/admin/moderation/case/"


def _staff(persona, *, moderator: bool) -> Client:
    with schema_context(persona.tenant.schema_name):
        user = persona.user
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        views = Permission.objects.filter(codename__in=["view_case", "view_decision", "view_flag"])
        user.user_permissions.add(*views)
        if moderator:
            user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
        client = Client(HTTP_HOST=persona.host)
        client.force_login(user)
    return client


def _cases(tenant, severities: list[float], state: str = Case.State.QUEUED) -> list[Case]:
    """Cases with one face flag and one profanity flag each, made in bulk."""
    with schema_context(tenant.schema_name):
        videos = Video.objects.bulk_create(
            Video(title=f"video {i}", original="none.mp4", size_bytes=1, duration=30.0 + i)
            for i in range(len(severities))
        )
        cases = Case.objects.bulk_create(
            Case(video=video, state=state, severity=severity)
            for video, severity in zip(videos, severities, strict=True)
        )
        flags = [
            Flag(case=c, kind=k, label=k, start=0, end=1, score=c.severity, action=Action.REVIEW, source="t")
            for c in cases
            for k in (Kind.FACE, Kind.PROFANITY)
        ]
        Flag.objects.bulk_create(flags)
        return cases


def _queries(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_it_shows_the_queue_most_severe_first_with_annotated_columns(world):
    _cases(world.acme, [0.4, 0.95, 0.7])
    _, page = _queries(_staff(world.alice, moderator=True), QUEUE)
    assert page.index("video 1") < page.index("video 2") < page.index("video 0")
    assert "1 (top 0.95)" in page  # face flags: count and top score, from annotations


def test_it_renders_500_cases_with_a_bounded_number_of_queries(world):
    client = _staff(world.alice, moderator=True)
    _cases(world.acme, [0.5] * 5)
    few, _ = _queries(client, QUEUE)
    _cases(world.acme, [0.6] * 495)
    many, page = _queries(client, QUEUE)
    assert many == few  # no query per row
    assert "500 cases" in page


def test_it_claims_and_decides_through_the_services(world):
    first, second = _cases(world.acme, [0.9, 0.8])
    client = _staff(world.alice, moderator=True)
    picked = {"_selected_action": [first.pk, second.pk]}
    client.post(QUEUE, {**picked, "action": "claim"})
    response = client.post(QUEUE, {**picked, "action": "approve_with_censoring"}, follow=True)
    assert "Approved with censoring 2 case(s)." in response.content.decode()
    with schema_context(world.acme.schema_name):
        assert set(Case.objects.values_list("state", "assignee")) == {
            (Case.State.CENSORED, world.alice.user.pk)
        }
        assert Decision.objects.filter(actor=world.alice.user).count() == 4


def test_it_reports_refused_decisions(world):
    (done,) = _cases(world.acme, [0.9], state=Case.State.REJECTED)
    client = _staff(world.alice, moderator=True)
    response = client.post(QUEUE, {"_selected_action": [done.pk], "action": "approve"}, follow=True)
    assert "A case that is rejected cannot be approved as is." in response.content.decode()


def test_it_checks_permissions_staff_who_are_not_moderators_cannot_decide(world):
    (case,) = _cases(world.acme, [0.9])
    bob = _staff(world.bob, moderator=False)
    page = bob.get(QUEUE).content.decode()
    assert "video 0" in page and 'value="approve"' not in page
    bob.post(QUEUE, {"_selected_action": [case.pk], "action": "approve"})
    with schema_context(world.acme.schema_name):
        assert Case.objects.get(pk=case.pk).state == Case.State.QUEUED
        assert not Decision.objects.exists()


def test_it_never_lets_anyone_edit_or_delete_decisions(world):
    (case,) = _cases(world.acme, [0.9])
    client = _staff(world.alice, moderator=True)
    client.post(QUEUE, {"_selected_action": [case.pk], "action": "escalate"})
    with schema_context(world.acme.schema_name):
        decision = Decision.objects.get()
    assert (
        client.post(f"/admin/moderation/decision/{decision.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert (
        client.post(f"/admin/moderation/decision/{decision.pk}/change/", {"reason": "x"}).status_code == 403
    )
    assert client.post(f"/admin/moderation/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403


def test_it_checks_tenant_staff_see_only_their_tenants_cases(world):
    _cases(world.acme, [0.9])
    _, page = _queries(_staff(world.charlie, moderator=True), QUEUE)
    assert "video 0" not in page and "0 cases" in page
