"""The case page in the admin: players, the timeline, per-flag verdicts and case decisions in one click."""

from django_tenants.utils import schema_context

from media_jobs.models import Job
from moderation.models import Case, Decision, Review
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
        assert Job.objects.filter(video=case.video, kind=Job.Kind.RENDER).exists()
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
