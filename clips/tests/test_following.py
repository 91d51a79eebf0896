"""Clips follow their video's case: a moderator's decision judges every clip of the video again, and a
rendered clip whose span is now censored differently is queued to render again (no worker runs here)."""

from __future__ import annotations

from django_tenants.utils import schema_context

from clips.following import censor_digest, do_follow_case
from clips.models import Clip, Rendition
from clips.services import CLIP_RENDER
from clips.tests.factories import make_clip
from media_jobs.models import Job
from moderation import decisions
from moderation.models import Action, Case, Flag, Kind, Review
from moderation.services import censor_plan

WEIGHTS = {"hook": 0.25, "density": 0.15, "centrality": 0.25, "energy": 0.15, "completeness": 0.2}
BREAKDOWN = {
    **{name: {"value": 1.0, "weight": weight, "why": name} for name, weight in WEIGHTS.items()},
    "risk": {"value": 0.0, "weight": None, "why": "no flag"},
}


def _clip_over_a_waiting_face(world):
    clip = make_clip(world.acme, start=0.0, end=20.0, state=Clip.State.READY, breakdown=BREAKDOWN, score=1.0)
    with schema_context(world.acme.schema_name):
        case = Case.objects.create(video=clip.video, state=Case.State.QUEUED)
        box = {"x1": 0.1, "y1": 0.1, "x2": 0.3, "y2": 0.4}
        flag = Flag.objects.create(
            case=case, kind=Kind.FACE, label="FACE", start=5.0, end=9.0, score=0.4, action=Action.REVIEW,
            boxes=[{"t": 5.0, **box}, {"t": 9.0, **box}], source="test",
        )  # fmt: skip
        Rendition.objects.create(
            clip=clip, aspect="9:16", version=1, file="c.mp4", thumbnail="c.jpg", width=1080, height=1920,
            duration=20.0, size_bytes=1, censor_digest=censor_digest(censor_plan(clip.video), 0.0, 20.0),
        )  # fmt: skip
    return clip, case, flag


def test_a_waiting_flag_makes_the_clip_unsafe_and_the_decision_settles_it(world):
    clip, case, flag = _clip_over_a_waiting_face(world)
    with schema_context(world.acme.schema_name):
        do_follow_case(clip.video_id)
        waiting = Clip.objects.get(pk=clip.pk)
        assert not waiting.safe_to_post and "wait for a moderator" in waiting.safety
        assert waiting.score == 0.5 and waiting.breakdown["risk"]["value"] == 1.0
        world.alice.user.is_superuser = True
        decisions.do_review_flag(flag.pk, world.alice.user, Review.CONFIRMED)
        decisions.do_decide_case(
            case.pk, world.alice.user, decisions.Act.APPROVE_CENSORED
        )  # sends the signal
        settled = Clip.objects.get(pk=clip.pk)
        assert settled.safe_to_post and "censored in the clip" in settled.safety
        # The face is now blurred by the plan: the clip rendered without it is rendered again.
        assert (settled.version, settled.state) == (2, Clip.State.PENDING)
        job = Job.objects.get(pk=settled.render_job_id)
        assert job.kind == CLIP_RENDER and job.stages.get().state == "queued"


def test_a_decision_that_changes_nothing_in_the_span_renders_nothing(world):
    clip, case, flag = _clip_over_a_waiting_face(world)
    with schema_context(world.acme.schema_name):
        world.alice.user.is_superuser = True
        decisions.do_review_flag(flag.pk, world.alice.user, Review.DISMISSED)
        decisions.do_decide_case(case.pk, world.alice.user, decisions.Act.APPROVE)
        clip = Clip.objects.get(pk=clip.pk)
        assert clip.safe_to_post and clip.version == 1 and clip.state == Clip.State.READY
        assert not Job.objects.filter(kind=CLIP_RENDER).exists()
