"""Moderators' decisions reach the segments: a rejected video leaves search at once."""

from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from moderation import decisions
from moderation.models import Case, Decision
from moderation.tests.factories import analyze
from search.models import Segment
from search.query import SearchFilters, search_segments
from search.tests.factories import make_indexed_video

PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."


def _moderator(persona):
    with schema_context(persona.tenant.schema_name):
        persona.user.groups.add(Group.objects.get(name=decisions.MODERATORS_GROUP))
        return type(persona.user).objects.get(pk=persona.user.pk)


def _found(tenant, **filters) -> set[int]:
    with schema_context(tenant.schema_name):
        hits = search_segments("subscription price", SearchFilters(**filters), 10, ef_search=100)
        return {hit.segment.video_id for hit in hits}


def test_it_drops_a_video_from_search_when_it_is_rejected(world):
    moderator = _moderator(world.alice)
    video = make_indexed_video(world.acme, [PRICING], state=Case.State.QUEUED)
    assert _found(world.acme) == {video.pk}
    with schema_context(world.acme.schema_name):
        decisions.do_decide_case(video.case.pk, moderator, Decision.Action.REJECT, "off brand")
        assert set(Segment.objects.filter(video=video).values_list("moderation_state", flat=True)) == {
            "rejected"
        }
    assert _found(world.acme) == set()


def test_it_lets_an_approved_video_through_the_settled_filter(world):
    moderator = _moderator(world.alice)
    video = make_indexed_video(world.acme, [PRICING], state=Case.State.QUEUED)
    assert _found(world.acme, settled_only=True) == set()
    with schema_context(world.acme.schema_name):
        decisions.do_decide_case(video.case.pk, moderator, Decision.Action.APPROVE)
    assert _found(world.acme, settled_only=True) == {video.pk}


def test_it_follows_a_new_analysis_of_an_indexed_video(world):
    video = make_indexed_video(world.acme, [PRICING], state=Case.State.CLEAN)
    box = {"label": "FACE", "score": 0.4, "x1": 0, "y1": 0, "x2": 0.2, "y2": 0.2}
    face = [{"t": t, "boxes": [box]} for t in (0.0, 1.0)]  # on screen over two samples: a face, not a flicker
    with schema_context(world.acme.schema_name):
        case = analyze(video, face)
        assert case.state == Case.State.QUEUED  # a face between the review and censor thresholds
        assert set(Segment.objects.filter(video=video).values_list("moderation_state", flat=True)) == {
            "queued"
        }
