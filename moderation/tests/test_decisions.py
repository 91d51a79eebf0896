"""Claims, flag verdicts and case decisions: guarded transitions, permissions, an append-only audit trail."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from media_jobs.models import Video
from moderation import decisions, services
from moderation.decisions import IllegalTransition
from moderation.models import Action, Case, Decision, Review
from moderation.tests.factories import analyze, face_samples, make_video_row, words

Act = Decision.Action


def _moderator(persona) -> None:
    with schema_context(persona.tenant.schema_name):
        persona.user.groups.add(Group.objects.get(name=decisions.MODERATORS_GROUP))
        persona.user = type(persona.user).objects.get(pk=persona.user.pk)  # fresh permission cache


def _queued_case(tenant) -> Case:
    """A case waiting for a moderator: a censored face and an uncertain word for review."""
    video = make_video_row(tenant)
    spoken = words(("such", 1.0, 1.2, 0.9), ("a", 1.2, 1.3, 0.9), ("dam", 1.3, 1.6, 0.9))
    with schema_context(tenant.schema_name):
        case = analyze(video, face_samples(range(0, 3)), {"words": spoken, "alternatives": []})
    assert case.state == Case.State.QUEUED
    return case


def test_the_tenant_has_a_moderators_group_with_the_permissions(world):
    """Deciding, and seeing the queue and a case's page in the tenant admin (the moderator role)."""
    with schema_context(world.acme.schema_name):
        group = Group.objects.get(name="moderators")
        assert sorted(group.permissions.values_list("codename", flat=True)) == [
            "moderate",
            "view_case",
            "view_decision",
            "view_flag",
        ]


def test_it_records_who_what_why_before_and_after(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        assert decisions.do_claim_case(case.pk, world.alice.user)
        review = case.flags.get(action=Action.REVIEW)
        decisions.do_review_flag(review.pk, world.alice.user, Review.CONFIRMED, "clearly 'damn'")
        decisions.do_decide_case(case.pk, world.alice.user, Act.APPROVE_CENSORED, "bleep it")
        trail = list(
            Decision.objects.filter(case=case).values_list("action", "actor", "reason", "before", "after")
        )
        plan = services.censor_plan(case.video)
    alice = world.alice.user.pk
    assert trail == [
        (Act.CLAIM, alice, "", {"assignee": None}, {"assignee": alice}),
        (Act.CONFIRM_FLAG, alice, "clearly 'damn'", {"review": "pending", "start": review.start,
         "end": review.end, "boxes": []}, {"review": "confirmed", "start": review.start, "end": review.end,
         "boxes": []}),
        (Act.APPROVE_CENSORED, alice, "bleep it", {"state": "queued", "assignee": alice},
         {"state": "censored", "assignee": alice}),
    ]  # fmt: skip
    assert len(plan.audio) == 1 and len(plan.blur) == 1  # the confirmed word is bleeped, the face blurred


def test_it_leaves_dismissed_flags_out_of_the_censor_plan(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        face = case.flags.get(action=Action.CENSOR)
        decisions.do_review_flag(face.pk, world.alice.user, Review.DISMISSED, "a stock photo, cleared")
        assert services.censor_plan(case.video).blur == ()


def test_it_checks_permissions_a_non_moderator_cannot_decide(world):
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        with pytest.raises(PermissionDenied):
            decisions.do_decide_case(case.pk, world.bob.user, Act.REJECT)
        with pytest.raises(PermissionDenied):
            decisions.do_claim_case(case.pk, world.bob.user)
        assert Case.objects.get(pk=case.pk).state == Case.State.QUEUED
        assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (Act.APPROVE, Act.APPROVE),
        (Act.REJECT, Act.APPROVE_CENSORED),
        (Act.APPROVE, Act.ESCALATE),
        (Act.REJECT, Act.REJECT),
    ],
)
def test_it_refuses_illegal_transitions(world, first, then):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        decisions.do_decide_case(case.pk, world.alice.user, first)
        with pytest.raises(IllegalTransition, match="cannot be"):
            decisions.do_decide_case(case.pk, world.alice.user, then)
        assert Decision.objects.filter(case=case).count() == 1


def test_it_refuses_decisions_on_a_case_another_moderator_holds(world):
    _moderator(world.alice)
    _moderator(world.bob)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        assert decisions.do_claim_case(case.pk, world.alice.user)
        assert not decisions.do_claim_case(case.pk, world.bob.user)
        flag = case.flags.first()
        with pytest.raises(IllegalTransition, match="alice is working on this case"):
            decisions.do_review_flag(flag.pk, world.bob.user, Review.DISMISSED)
        with pytest.raises(IllegalTransition, match="alice is working on this case"):
            decisions.do_decide_case(case.pk, world.bob.user, Act.APPROVE)


def test_it_keeps_the_audit_trail_append_only(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        decisions.do_decide_case(case.pk, world.alice.user, Act.ESCALATE, "needs legal")
        decision = Decision.objects.get()
        decision.reason = "nothing to see"
        with pytest.raises(PermissionError):
            decision.save()
        with pytest.raises(PermissionError):
            Decision.objects.all().delete()
        with pytest.raises(PermissionError):
            decision.delete()
        for statement in ("UPDATE moderation_decision SET reason = 'x'", "DELETE FROM moderation_decision"):
            with pytest.raises(DatabaseError, match="never edited or deleted"), transaction.atomic():
                connection.cursor().execute(statement)
        assert Decision.objects.get().reason == "needs legal"


def test_it_checks_tenant_a_globex_moderator_cannot_reach_acme_cases(world):
    _moderator(world.charlie)
    case = _queued_case(world.acme)
    with schema_context(world.globex.schema_name):
        assert not decisions.do_claim_case(case.pk, world.charlie.user)  # no such case in his schema
        with pytest.raises(Case.DoesNotExist):
            decisions.do_decide_case(case.pk, world.charlie.user, Act.REJECT)
    with schema_context(world.acme.schema_name):
        assert Case.objects.get(pk=case.pk).assignee is None


def test_it_gives_a_case_one_owner_when_moderators_claim_it_together(committed_db):
    world = committed_db
    _moderator(world.alice)
    _moderator(world.bob)
    case = _queued_case(world.acme)
    results: list[bool] = []
    start = threading.Barrier(8)

    def claim(persona) -> None:
        with schema_context(world.acme.schema_name):
            start.wait()
            results.append(decisions.do_claim_case(case.pk, persona.user))
        connection.close()

    threads = [threading.Thread(target=claim, args=(p,)) for p in [world.alice, world.bob] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with schema_context(world.acme.schema_name):
        assert sorted(results) == [False] * 7 + [True]
        assert Decision.objects.filter(case=case, action=Act.CLAIM).count() == 1
        assert Case.objects.get(pk=case.pk).assignee_id in (world.alice.user.pk, world.bob.user.pk)


def test_it_emails_the_uploader_final_decisions_only(world, mailoutbox, django_capture_on_commit_callbacks):
    _moderator(world.bob)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        Video.objects.filter(pk=case.video_id).update(uploaded_by=world.alice.user)
        with django_capture_on_commit_callbacks(execute=True):
            decisions.do_decide_case(case.pk, world.bob.user, Act.ESCALATE)
        assert mailoutbox == []  # not final
        with django_capture_on_commit_callbacks(execute=True):
            decisions.do_decide_case(case.pk, world.bob.user, Act.REJECT, "shows a minor")
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.com"] and mail.subject == "ReelRemix: clip — Rejected"
    assert "was reviewed: rejected." in mail.body and "Moderator's note: shows a minor" in mail.body
