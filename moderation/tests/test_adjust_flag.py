"""Adjusting a flag: a moderator corrects its span or box; the whole track follows, the flag is
confirmed, the censor plan uses the correction, and the audit trail keeps before and after."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from media_jobs.models import Job
from moderation import decisions, services
from moderation.decisions import IllegalTransition
from moderation.models import Case, Decision, Kind, Review
from moderation.stages import RENDER
from moderation.tests.factories import analyze, face_samples, make_video_row
from moderation.tests.test_admin_queue import _cases, _staff
from moderation.tests.test_decisions import _moderator, _queued_case

Act = Decision.Action


def _centre(box: dict) -> tuple[float, float]:
    return (box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2


def test_it_moves_and_resizes_the_whole_track_from_one_redrawn_box(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        face = case.flags.get(kind=Kind.FACE)
        before, shown = face.boxes, face.shown_keyframe
        # Redrawn 0.1 lower and half as wide as the box the page shows.
        width = (shown["x2"] - shown["x1"]) / 2
        cx = _centre(shown)[0]
        redrawn = {"x1": cx - width / 2, "y1": shown["y1"] + 0.1, "x2": cx + width / 2}
        redrawn["y2"] = shown["y2"] + 0.1
        decisions.do_adjust_flag(face.pk, world.alice.user, face.start, face.end, redrawn, "box too wide")
        face.refresh_from_db()
        plan = services.censor_plan(case.video)
        decision = Decision.objects.get(action=Act.ADJUST_FLAG)
    assert face.review == Review.CONFIRMED and len(face.boxes) == len(before)
    for old, new in zip(before, face.boxes, strict=True):
        assert new["t"] == old["t"]
        assert _centre(new)[0] == pytest.approx(_centre(old)[0])  # the motion is kept
        assert _centre(new)[1] == pytest.approx(_centre(old)[1] + 0.1)
        assert new["x2"] - new["x1"] == pytest.approx((old["x2"] - old["x1"]) / 2)
    (track,) = plan.blur
    assert [box.y1 for box in track.keyframes] == pytest.approx([b["y1"] for b in face.boxes])
    assert (decision.flag_id, decision.reason) == (face.pk, "box too wide")
    assert decision.before["boxes"] == before and decision.after["boxes"] == face.boxes
    assert (decision.before["review"], decision.after["review"]) == ("pending", "confirmed")


def test_it_widens_a_words_span_and_the_bleep_follows(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        word = case.flags.get(kind=Kind.PROFANITY)
        assert services.censor_plan(case.video).audio == ()  # uncertain: waiting for review
        decisions.do_adjust_flag(word.pk, world.alice.user, 1.2, 1.75)
        (bleep,) = services.censor_plan(case.video).audio
        decision = Decision.objects.get(action=Act.ADJUST_FLAG)
    assert (bleep.start, bleep.end) == (1.2, 1.75)
    assert (decision.before["start"], decision.after["start"]) == (word.start, 1.2)


def test_it_keeps_a_box_inside_the_frame(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        face = case.flags.get(kind=Kind.FACE)
        shown = face.shown_keyframe
        near_edge = {"x1": 0.85, "y1": shown["y1"], "x2": 0.99, "y2": shown["y2"]}
        decisions.do_adjust_flag(face.pk, world.alice.user, face.start, face.end, near_edge)
        face.refresh_from_db()
    assert all(0 <= box[side] <= 1 for box in face.boxes for side in ("x1", "y1", "x2", "y2"))
    assert max(box["x2"] for box in face.boxes) == 1.0  # keyframes moved past the edge are clamped


@pytest.mark.parametrize(
    ("kind", "start", "end", "box", "message"),
    [
        (Kind.FACE, -1.0, 2.0, None, "must lie within the video"),
        (Kind.FACE, 2.0, 1.0, None, "last at least"),
        (Kind.FACE, 0.0, 60.0, None, "must lie within the video"),
        (Kind.FACE, 0.0, 2.0, {"x1": 0.5, "y1": 0.5, "x2": 1.5, "y2": 0.9}, "within the frame"),
        (Kind.FACE, 0.0, 2.0, {"x1": 0.5, "y1": 0.5, "x2": 0.5, "y2": 0.9}, "at least 1 %"),
        (Kind.PROFANITY, 1.0, 2.0, {"x1": 0.1, "y1": 0.1, "x2": 0.5, "y2": 0.5}, "Only a flag with a box"),
    ],
)
def test_it_refuses_impossible_adjustments_and_changes_nothing(world, kind, start, end, box, message):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        flag = case.flags.get(kind=kind)
        with pytest.raises(ValidationError, match=message):
            decisions.do_adjust_flag(flag.pk, world.alice.user, start, end, box)
        unchanged = type(flag).objects.get(pk=flag.pk)
        assert (unchanged.start, unchanged.end, unchanged.boxes, unchanged.review) == (
            flag.start, flag.end, flag.boxes, flag.review,
        )  # fmt: skip
        assert not Decision.objects.exists()


def test_it_checks_permissions_and_the_cases_state(world):
    _moderator(world.alice)
    case = _queued_case(world.acme)
    with schema_context(world.acme.schema_name):
        face = case.flags.get(kind=Kind.FACE)
        with pytest.raises(PermissionDenied):
            decisions.do_adjust_flag(face.pk, world.bob.user, 0.0, 1.0)
        decisions.do_decide_case(case.pk, world.alice.user, Act.APPROVE)
        with pytest.raises(IllegalTransition, match="takes no more decisions"):
            decisions.do_adjust_flag(face.pk, world.alice.user, 0.0, 1.0)
        assert list(Decision.objects.values_list("action", flat=True)) == [Act.APPROVE]
        assert Case.objects.get(pk=case.pk).flags.get(pk=face.pk).start == face.start


def test_it_reopens_an_automatic_decision_to_correct_it_and_renders_again(world):
    _moderator(world.alice)
    video = make_video_row(world.acme)
    with schema_context(world.acme.schema_name):
        case = analyze(video, face_samples(range(0, 3)))
        assert case.state == Case.State.AUTO_CENSORED  # the face was blurred without a moderator
        with pytest.raises(IllegalTransition, match="takes no more decisions"):
            decisions.do_adjust_flag(case.flags.get().pk, world.alice.user, 0.0, 1.0)
        decisions.do_decide_case(case.pk, world.alice.user, Act.REOPEN, "the blur misses the chin")
        face = case.flags.get()
        decisions.do_adjust_flag(face.pk, world.alice.user, face.start, face.end + 1.0)
        with pytest.raises(IllegalTransition, match="waiting for a moderator cannot be reopened"):
            decisions.do_decide_case(case.pk, world.alice.user, Act.REOPEN)
        decisions.do_decide_case(case.pk, world.alice.user, Act.APPROVE_CENSORED)
        trail = list(Decision.objects.values_list("action", "before__state", "after__state"))
        renders = Job.objects.filter(video=video, kind=RENDER).count()
    assert trail[0] == (Act.REOPEN, "auto_censored", "queued")
    assert [action for action, _, _ in trail] == [Act.REOPEN, Act.ADJUST_FLAG, Act.APPROVE_CENSORED]
    assert renders == 1  # the corrected plan is rendered again


def test_it_offers_only_the_decisions_the_cases_state_allows(world):
    (queued,) = _cases(world.acme, [0.9])
    (closed,) = _cases(world.acme, [0.9], state=Case.State.AUTO_CENSORED)
    client = _staff(world.alice, moderator=True)
    pages = {
        case: client.get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
        for case in (queued, closed)
    }
    buttons = {case: re.findall(r'name="action" value="(\w+)"', page) for case, page in pages.items()}
    assert buttons[queued] == ["claim", "release", "approve", "approve_censored", "escalate", "reject"]
    assert buttons[closed] == ["reject", "reopen"]
