"""Watermark flags from text read on screen: a mark in a corner over most of the video is queued for a rights
review; the product never blurs it on its own, only when a moderator confirms it."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from moderation import decisions, services
from moderation.models import NEVER_CENSOR, Action, Case, Kind, Policy, Review
from moderation.tests.factories import analyze, make_video_row
from moderation.tests.test_decisions import _moderator
from moderation.tests.test_policy import _policy_editor

CORNER_MARK = {"text": "ACME TV", "score": 0.97, "x1": 0.85, "y1": 0.03, "x2": 0.98, "y2": 0.09}
CAPTION = {"text": "Q3 revenue grew", "score": 0.98, "x1": 0.25, "y1": 0.8, "x2": 0.75, "y2": 0.88}


def _screen(lines_at: dict[float, list[dict]]) -> services.ScreenText:
    return services.ScreenText([{"t": t, "lines": lines} for t, lines in lines_at.items()], 2.0, "pp-ocrv4")


def _analyze(tenant, screen: services.ScreenText) -> Case:
    video = make_video_row(tenant, duration=10.0)
    with schema_context(tenant.schema_name):
        return analyze(video, [], screen=screen)


def test_it_queues_a_corner_mark_and_blurs_it_only_when_a_moderator_confirms(world):
    case = _analyze(world.acme, _screen({t: [CORNER_MARK, CAPTION] for t in (0.0, 2.0, 4.0, 6.0, 8.0)}))
    with schema_context(world.acme.schema_name):
        (flag,) = case.flags.all()
        assert (flag.kind, flag.label, flag.score) == (Kind.WATERMARK, "ACME TV", 1.0)
        assert flag.action == Action.REVIEW
        assert (case.state, flag.start, flag.end) == (Case.State.QUEUED, 0.0, 10.0)
        assert services.censor_plan(case.video).is_empty
    _moderator(world.alice)
    with schema_context(world.acme.schema_name):
        decisions.do_review_flag(flag.pk, world.alice.user, Review.CONFIRMED, "no licence for this footage")
        (blur,) = services.censor_plan(case.video).blur
    assert (blur.start, blur.end) == (0.0, 10.0) and blur.keyframes[1].x1 < 0.85


def test_the_case_is_concluded_under_the_policy_its_analysis_used_and_concluded_again_without_duplicates(
    world,
):
    video = make_video_row(world.acme, duration=10.0)
    mark = _screen({t: [CORNER_MARK] for t in (0.0, 2.0, 4.0, 6.0, 8.0)})
    with schema_context(world.acme.schema_name):
        services.do_analyze_video(video, [], {"words": [], "alternatives": []}, 1.0, {})
        # The policy changes while the text is still read: the case keeps its analysis's thresholds.
        Policy.objects.update(watermark_review_above=NEVER_CENSOR)  # no mark reviewed any more
        for _ in range(2):  # a conclusion repeated after a crash
            case = services.do_conclude_case(video, mark)
        (flag,) = case.flags.all()
        assert (flag.kind, flag.action, case.state) == (Kind.WATERMARK, Action.REVIEW, Case.State.QUEUED)
        fresh = make_video_row(world.acme, duration=10.0)
        assert analyze(fresh, [], screen=mark).flags.get().action == Action.IGNORE  # the new policy


def test_it_leaves_captions_and_passing_corner_text_unflagged(world):
    passing = {0.0: [CAPTION], 2.0: [CAPTION, CORNER_MARK], 4.0: [CAPTION], 6.0: [], 8.0: [CAPTION]}
    case = _analyze(world.acme, _screen(passing))
    with schema_context(world.acme.schema_name):
        assert [flag.action for flag in case.flags.all()] in ([], [Action.IGNORE])
        assert case.state == Case.State.CLEAN


def test_text_that_passes_beside_a_corner_mark_does_not_take_its_place(world):
    # A timecode in the corner; numbers in a moving test pattern appear beside it, read more surely.
    timecode = {"text": "00:00:00.000", "score": 0.97, "x1": 0.004, "y1": 0.004, "x2": 0.16, "y2": 0.059}
    beside = {"text": "50", "score": 0.99, "x1": 0.129, "y1": 0.052, "x2": 0.16, "y2": 0.096}
    moved = {**beside, "text": "128", "x1": 0.2, "x2": 0.24, "y1": 0.1, "y2": 0.14}
    lines = {t: [timecode] for t in (0.0, 6.0, 8.0)} | {2.0: [beside, timecode], 4.0: [moved, timecode]}
    case = _analyze(world.acme, _screen(dict(sorted(lines.items()))))
    with schema_context(world.acme.schema_name):
        (mark,) = [flag for flag in case.flags.all() if flag.action == Action.REVIEW]
        assert (mark.label, mark.score, mark.start, mark.end) == ("00:00:00.000", 1.0, 0.0, 10.0)
        assert all(box["x1"] < 0.01 and box["y2"] < 0.07 for box in mark.boxes)


def test_it_refuses_a_policy_that_would_censor_watermarks_automatically(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        with pytest.raises(ValidationError, match="never censors this kind automatically"):
            services.do_update_policy(world.alice.user, {"watermark_censor_above": 0.9})
        assert services.current_policy().action_for(Kind.WATERMARK, 1.0) == Action.REVIEW
