"""From detections and words to flags, a case and a censor plan, under the tenant's policy."""

from django_tenants.utils import schema_context

from moderation import services
from moderation.models import Action, Case, Flag, Kind, Policy
from moderation.tests.factories import analyze, face_samples, make_video_row, words

SOURCES = {"detector": "local", "transcriber": "faster-whisper"}


def _analyze(tenant, video, detections=(), spoken=(), alternatives=()):
    transcript = {"words": list(spoken), "alternatives": list(alternatives)}
    with schema_context(tenant.schema_name):
        case = analyze(video, list(detections), transcript, SOURCES)
        return case, list(case.flags.order_by("kind", "start"))


def test_it_censors_faces_bleeps_words_and_queues_borderline_nudity(world):
    video = make_video_row(world.acme)
    nudity = {
        "t": 4.0,
        "boxes": [
            {"label": "FEMALE_BREAST_EXPOSED", "score": 0.45, "x1": 0.1, "y1": 0.1, "x2": 0.3, "y2": 0.3}
        ],
    }
    spoken = words(("this", 1.0, 1.2, 0.9), ("is", 1.2, 1.3, 0.9), ("shit", 1.3, 1.7, 0.9))
    case, flags = _analyze(world.acme, video, [*face_samples(range(2, 6)), nudity], spoken)
    assert case.state == Case.State.QUEUED  # the borderline nudity waits for a moderator
    by_kind = {flag.kind: flag for flag in flags}
    assert (by_kind[Kind.FACE].action, by_kind[Kind.FACE].start, by_kind[Kind.FACE].end) == (
        Action.CENSOR,
        1.0,
        6.0,
    )
    assert by_kind[Kind.NUDITY].action == Action.REVIEW
    assert (by_kind[Kind.PROFANITY].label, by_kind[Kind.PROFANITY].action) == ("shit", Action.CENSOR)
    assert by_kind[Kind.PROFANITY].start < 1.3 and by_kind[Kind.PROFANITY].end > 1.7


def test_it_plans_blur_for_censored_tracks_and_sound_for_censored_words(world):
    video = make_video_row(world.acme)
    spoken = words(("what", 2.0, 2.2, 0.9), ("the", 2.2, 2.3, 0.9), ("fuck", 2.3, 2.6, 0.95))
    _analyze(world.acme, video, face_samples(range(0, 3)), spoken)
    with schema_context(world.acme.schema_name):
        plan = services.censor_plan(video)
    assert len(plan.blur) == 1 and plan.blur[0].keyframes[0].t == 0.0
    assert [(a.mode, a.start < 2.3, a.end > 2.6) for a in plan.audio] == [("bleep", True, True)]


def test_the_blur_decided_ahead_from_the_detections_is_the_one_the_analysis_plans(world):
    video = make_video_row(world.acme, duration=20.0)
    nudity = [{"t": float(t), "boxes": [{"label": "BUTTOCKS_EXPOSED", "score": 0.95, "x1": 0.6, "y1": 0.5,
                                         "x2": 0.8, "y2": 0.9}]} for t in range(3, 7)]  # fmt: skip
    faint = face_samples(range(12, 15), score=0.4)  # reviewed, not blurred
    detections = [*face_samples(range(0, 5)), *nudity, *faint]
    with schema_context(world.acme.schema_name):
        ahead = services.blur_ahead(video, detections, 1.0)
    _analyze(world.acme, video, detections, words(("shit", 1.3, 1.7, 0.9)))
    with schema_context(world.acme.schema_name):
        plan = services.censor_plan(video)
        Policy.objects.update_or_create(defaults={"nudity_censor_above": 0.99})
        under_a_new_policy = services.blur_ahead(video, detections, 1.0)
    assert len(ahead) == 2 and ahead == plan.blur  # the face and the body part, in the plan's order
    assert under_a_new_policy == plan.blur[:1]  # the body part would now go to a moderator


def test_it_queues_a_profane_reading_the_recogniser_also_considered(world):
    video = make_video_row(world.acme)
    spoken = words(("a", 1.0, 1.1, 0.9), ("mess", 1.1, 1.5, 0.1))
    considered = [{"text": "damn mess", "start": 1.0, "end": 1.5, "probability": 0.05}]
    case, flags = _analyze(world.acme, video, spoken=spoken, alternatives=considered)
    assert case.state == Case.State.QUEUED
    assert [(f.label, f.action, f.certain, f.text) for f in flags] == [
        ("damn", Action.REVIEW, False, "a mess")
    ]


def test_it_ignores_what_is_not_nudity(world):
    video = make_video_row(world.acme)
    corner = {"score": 0.9, "x1": 0, "y1": 0, "x2": 0.1, "y2": 0.1}
    feet = [{"t": 1.0, "boxes": [{"label": "FEET_EXPOSED", **corner}, {"label": "FACE_FEMALE", **corner}]}]
    case, flags = _analyze(world.acme, video, feet)
    assert (case.state, flags) == (Case.State.CLEAN, [])


def test_it_replaces_flags_when_run_again(world):
    video = make_video_row(world.acme)
    _analyze(world.acme, video, face_samples(range(0, 4)))
    case, flags = _analyze(world.acme, video, face_samples(range(0, 4)))
    with schema_context(world.acme.schema_name):
        assert Flag.objects.filter(case=case).count() == len(flags) == 1
        assert Case.objects.filter(video=video).count() == 1


def test_it_follows_the_tenant_policy(world):
    with schema_context(world.acme.schema_name):
        Policy.objects.create(
            face_censor_above=1.01, audio_mode=Policy.AudioMode.MUTE, extra_profanity="heck"
        )
    video = make_video_row(world.acme)
    _, flags = _analyze(
        world.acme, video, face_samples(range(0, 3)), words(("oh", 0.0, 0.2, 0.9), ("heck", 0.3, 0.6, 0.9))
    )
    assert [(f.kind, f.action) for f in flags] == [
        (Kind.FACE, Action.REVIEW),
        (Kind.PROFANITY, Action.CENSOR),
    ]
    with schema_context(world.acme.schema_name):
        assert [a.mode for a in services.censor_plan(video).audio] == ["mute"]


def test_it_checks_tenant_policies_are_separate(world):
    with schema_context(world.acme.schema_name):
        Policy.objects.create(face_censor_above=1.01)
    video = make_video_row(world.globex)
    _, flags = _analyze(world.globex, video, face_samples(range(0, 3)))
    assert flags[0].action == Action.CENSOR  # globex keeps the default policy
