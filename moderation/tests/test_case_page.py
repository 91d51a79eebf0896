"""The case page in the admin: players, the timeline, per-flag verdicts and case decisions in one click."""

import pytest
from django_tenants.utils import schema_context

from media_jobs.models import Job
from moderation.models import Case, Decision, Review
from moderation.stages import RENDER
from moderation.tests.test_admin_queue import _cases, _staff


def _page(case: Case) -> str:
    return f"/admin/moderation/case/{case.pk}/change/"


def test_it_shows_players_the_timeline_and_the_flags(world):
    (case,) = _cases(world.acme, [0.9])
    page = _staff(world.alice, moderator=True).get(_page(case)).content.decode()
    assert f"/videos/{case.video_id}/original.mp4" in page
    assert page.count("<rect ") == 2 and 'data-seek="0.00"' in page  # one bar per flag, clickable
    assert page.count('name="verdict" value="confirmed"') == 2


def test_it_takes_a_flag_verdict_and_a_decision_in_one_click_each(world):
    (case,) = _cases(world.acme, [0.9])
    client = _staff(world.alice, moderator=True)
    with schema_context(world.acme.schema_name):
        flag = case.flags.first()
    client.post(_page(case) + "decide/", {"action": "claim"})
    client.post(_page(case) + f"flags/{flag.pk}/", {"verdict": "confirmed"})
    client.post(_page(case) + "decide/", {"action": "approve_censored", "reason": "bleep and blur"})
    with schema_context(world.acme.schema_name):
        flag.refresh_from_db()
        case.refresh_from_db()
        actions = list(Decision.objects.values_list("action", flat=True))
        assert Job.objects.filter(video=case.video, kind=RENDER).exists()
    assert (flag.review, case.state) == (Review.CONFIRMED, Case.State.CENSORED)
    assert actions == ["claim", "confirm_flag", "approve_censored"]


def test_it_explains_a_refused_decision(world):
    (case,) = _cases(world.acme, [0.9], state=Case.State.APPROVED)
    client = _staff(world.alice, moderator=True)
    response = client.post(_page(case) + "decide/", {"action": "escalate"}, follow=True)
    assert "A case that is approved as is cannot be escalated." in response.content.decode()


def test_it_checks_permissions_viewers_cannot_decide_from_the_page(world):
    (case,) = _cases(world.acme, [0.9])
    bob = _staff(world.bob, moderator=False)
    page = bob.get(_page(case)).content.decode()
    assert "<svg" in page and 'name="verdict"' not in page
    with schema_context(world.acme.schema_name):
        flag = case.flags.first()
    assert bob.post(_page(case) + "decide/", {"action": "reject"}).status_code == 403
    assert bob.post(_page(case) + f"flags/{flag.pk}/", {"verdict": "dismissed"}).status_code == 403
    with schema_context(world.acme.schema_name):
        assert not Decision.objects.exists()


def test_it_checks_tenant_another_tenants_staff_cannot_open_the_case(world):
    (case,) = _cases(world.acme, [0.9])
    charlie = _staff(world.charlie, moderator=True)
    charlie.defaults["HTTP_HOST"] = "acme.localhost"
    assert charlie.get(_page(case)).status_code == 302  # to the login of acme's admin
    assert charlie.post(_page(case) + "decide/", {"action": "reject"}).status_code == 302


def test_it_gives_a_claimed_case_back_to_the_queue(world):
    (case,) = _cases(world.acme, [0.9])
    alice = _staff(world.alice, moderator=True)
    alice.post(_page(case) + "decide/", {"action": "claim"})
    alice.post(_page(case) + "decide/", {"action": "release", "reason": "off shift"})
    bob = _staff(world.bob, moderator=True)
    bob.post(_page(case) + "decide/", {"action": "claim"})
    with schema_context(world.acme.schema_name):
        case.refresh_from_db()
        trail = list(Decision.objects.values_list("action", "actor", "reason"))
    assert case.assignee_id == world.bob.user.pk
    alice_id, bob_id = world.alice.user.pk, world.bob.user.pk
    assert trail == [("claim", alice_id, ""), ("release", alice_id, "off shift"), ("claim", bob_id, "")]


def _face(case: Case, tenant):
    """The case's face flag, given a track of three keyframes moving right."""
    boxes = [{"t": t, "x1": 0.1 * t, "y1": 0.3, "x2": 0.1 * t + 0.2, "y2": 0.6} for t in (0.0, 0.5, 1.0)]
    with schema_context(tenant.schema_name):
        case.flags.filter(kind="face").update(boxes=boxes)
        return case.flags.get(kind="face")


def test_it_adjusts_a_flag_from_the_page_in_percent_of_the_frame(world):
    (case,) = _cases(world.acme, [0.9])
    face = _face(case, world.acme)
    client = _staff(world.alice, moderator=True)
    page = client.get(_page(case)).content.decode()
    assert f'action="flags/{face.pk}/adjust/"' in page and 'name="box_width"' in page
    form = {"start": "0.50", "end": "2.00", "reason": "tighter", "box_left": "10", "box_top": "20",
            "box_width": "30", "box_height": "40"}  # fmt: skip
    client.post(_page(case) + f"flags/{face.pk}/adjust/", form)
    with schema_context(world.acme.schema_name):
        face.refresh_from_db()
        decision = Decision.objects.get()
    shown = face.shown_keyframe
    assert (face.start, face.end, face.review) == (0.5, 2.0, Review.CONFIRMED)
    assert [shown[side] for side in ("x1", "y1", "x2", "y2")] == pytest.approx([0.1, 0.2, 0.4, 0.6])
    assert (decision.action, decision.reason) == ("adjust_flag", "tighter")


@pytest.mark.parametrize(
    "form",
    [
        {"start": "soon", "end": "2"},
        {"start": "nan", "end": "2"},
        {"start": "0", "end": "2", "box_left": "x", "box_top": "1", "box_width": "5", "box_height": "5"},
        {"start": "0", "end": "2", "box_left": "1", "box_top": "1", "box_width": "5"},
    ],
)
def test_it_explains_a_malformed_adjustment_and_changes_nothing(world, form):
    (case,) = _cases(world.acme, [0.9])
    face = _face(case, world.acme)
    response = _staff(world.alice, moderator=True).post(
        _page(case) + f"flags/{face.pk}/adjust/", form, follow=True
    )
    assert "must be a number" in response.content.decode() or "finite" in response.content.decode()
    with schema_context(world.acme.schema_name):
        assert not Decision.objects.exists()
        assert case.flags.get(pk=face.pk).boxes == face.boxes


def test_it_checks_permissions_and_tenant_for_adjustments(world):
    (case,) = _cases(world.acme, [0.9])
    face = _face(case, world.acme)
    adjust, form = _page(case) + f"flags/{face.pk}/adjust/", {"start": "0", "end": "1"}
    assert _staff(world.bob, moderator=False).post(adjust, form).status_code == 403
    charlie = _staff(world.charlie, moderator=True)
    charlie.defaults["HTTP_HOST"] = "acme.localhost"
    assert charlie.post(adjust, form).status_code == 302  # to the login of acme's admin
    with schema_context(world.acme.schema_name):
        assert not Decision.objects.exists()
