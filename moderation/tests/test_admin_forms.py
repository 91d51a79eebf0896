"""Malformed POSTs to the case page's decisions: each is refused with a message that names the field,
and nothing changes (no case, flag or audit row); ids of another tenant's cases are not found."""

import pytest
from django_tenants.utils import schema_context

from moderation.models import Case, Decision
from moderation.tests.test_admin_queue import _cases, _staff


def _page(case: Case) -> str:
    return f"/admin/moderation/case/{case.pk}/change/"


def _state(tenant, case: Case) -> tuple:
    """Everything a decision could change: the case, its flags and the audit trail."""
    with schema_context(tenant.schema_name):
        fresh = Case.objects.get(pk=case.pk)
        flags = list(fresh.flags.order_by("pk").values_list("start", "end", "boxes", "review"))
        return fresh.state, fresh.assignee_id, flags, Decision.objects.count()


def _face_url(tenant, case: Case, suffix: str = "") -> str:
    """The URL of the case's face flag, given a box so that its box can be adjusted."""
    with schema_context(tenant.schema_name):
        face = case.flags.get(kind="face")
        face.boxes = [{"t": 0.0, "x1": 0.1, "y1": 0.3, "x2": 0.3, "y2": 0.6}]
        face.save(update_fields=["boxes"])
    return _page(case) + f"flags/{face.pk}/{suffix}"


def _face_id(tenant, case: Case) -> int:
    with schema_context(tenant.schema_name):
        return case.flags.get(kind="face").pk


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Action: This field is required."),
        ({"action": "frobnicate"}, "Action: “frobnicate” is not a decision on a case."),
        ({"action": "confirm_flag"}, "Action: “confirm_flag” is not a decision on a case."),
    ],
)
def test_it_refuses_a_malformed_decision_and_changes_nothing(world, form, message):
    (case,) = _cases(world.acme, [0.9])
    before = _state(world.acme, case)
    response = _staff(world.alice, moderator=True).post(_page(case) + "decide/", form, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert _state(world.acme, case) == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Verdict: This field is required."),
        ({"verdict": "pending"}, "Verdict: “pending” is not a verdict on a flag."),
        ({"verdict": "maybe"}, "Verdict: “maybe” is not a verdict on a flag."),
    ],
)
def test_it_refuses_a_malformed_verdict_and_changes_nothing(world, form, message):
    (case,) = _cases(world.acme, [0.9])
    url, before = _face_url(world.acme, case), _state(world.acme, case)
    response = _staff(world.alice, moderator=True).post(url, form, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert _state(world.acme, case) == before


BOX = {"box_left": "10", "box_top": "20", "box_width": "30", "box_height": "40"}


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"start": "0"}, ["End: must be a number."]),  # a missing field
        ({"end": "2", **BOX}, ["Start: must be a number."]),
        ({"start": "soon", "end": "2"}, ["Start: must be a number."]),  # not numeric
        ({"start": "0", "end": "inf"}, ["End: must be a number."]),
        (
            {"start": "0", "end": "2", **BOX, "box_left": "1e3"},
            ["Box left: must be at most 100."],
        ),  # out of range
        ({"start": "0", "end": "2", **BOX, "box_width": "-5"}, ["Box width: must be at least 0."]),
        (
            {"start": "x", "end": "2", "box_width": "30"},  # a box needs all four sides
            ["Start: must be a number.", "Box left: must be a number.", "Box height: must be a number."],
        ),
        ({"start": "0", "end": "500"}, ["A span must lie within the video (0 to 30.00 s)"]),  # the service's
        ({"start": "0", "end": "2", **BOX, "box_left": "90"}, ["A box must lie within the frame."]),
    ],
)
def test_it_refuses_a_malformed_adjustment_and_changes_nothing(world, form, messages):
    (case,) = _cases(world.acme, [0.9])
    url, before = _face_url(world.acme, case, "adjust/"), _state(world.acme, case)
    response = _staff(world.alice, moderator=True).post(url, form, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and all(message in page for message in messages)
    assert _state(world.acme, case) == before


def test_it_checks_tenant_another_tenants_case_ids_are_not_found(world):
    acme_cases = _cases(world.acme, [0.9])
    globex_cases = _cases(world.globex, [0.9, 0.8])  # ids counted per tenant: one is not an acme id
    (theirs,) = [case for case in globex_cases if case.pk not in {c.pk for c in acme_cases}][:1]
    flag = _face_id(world.globex, theirs)
    before = [_state(world.acme, case) for case in acme_cases], _state(world.globex, theirs)
    alice = _staff(world.alice, moderator=True)
    posts = {
        "decide/": {"action": "reject"},
        f"flags/{flag}/": {"verdict": "dismissed"},
        f"flags/{flag}/adjust/": {"start": "0", "end": "1"},
    }
    assert [alice.post(_page(theirs) + url, form).status_code for url, form in posts.items()] == [404] * 3
    assert ([_state(world.acme, case) for case in acme_cases], _state(world.globex, theirs)) == before


def test_it_checks_ownership_a_flag_of_another_case_is_not_found(world):
    mine, other = _cases(world.acme, [0.9, 0.8])
    other_flag = _face_id(world.acme, other)
    before = _state(world.acme, mine), _state(world.acme, other)
    alice = _staff(world.alice, moderator=True)
    assert alice.post(_page(mine) + f"flags/{other_flag}/", {"verdict": "dismissed"}).status_code == 404
    adjusted = alice.post(_page(mine) + f"flags/{other_flag}/adjust/", {"start": "0", "end": "1"})
    assert adjusted.status_code == 404
    assert (_state(world.acme, mine), _state(world.acme, other)) == before
