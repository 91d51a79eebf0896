"""Moderators' decisions: every change to a case or flag goes through here, is refused when the
case's state does not allow it, and leaves a Decision row (who, when, what, why, before and after)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from media_jobs import services as media_jobs
from moderation.live import push_queue_event_on_commit
from moderation.models import Case, Decision, Flag, Review
from moderation.signals import case_decided, case_state_changed
from moderation.stages import RENDER
from moderation.tracking import reshaped_keyframes
from team import roles

MODERATORS_GROUP = roles.MODERATORS_GROUP  # the moderator role (team.services) joins it
# What the group may do: open the queue and a case's page in the tenant admin, and decide.
MODERATOR_PERMISSIONS = ("moderate", "view_case", "view_flag", "view_decision")
State = Case.State
Act = Decision.Action
FINAL_STATES = (State.APPROVED, State.CENSORED, State.REJECTED)
MIN_SPAN = 0.04  # seconds: one frame at 25 fps
MIN_BOX_SIDE = 0.01  # of the frame

# decision -> (states it may be taken from, state it leads to)
CASE_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Act.APPROVE: (Case.OPEN_STATES, State.APPROVED),
    Act.APPROVE_CENSORED: (Case.OPEN_STATES, State.CENSORED),
    Act.ESCALATE: ((State.QUEUED,), State.ESCALATED),
    Act.REJECT: (tuple(s for s in State if s != State.REJECTED), State.REJECTED),
    # A closed case (decided automatically or by a moderator) back in the queue, to be corrected.
    Act.REOPEN: (tuple(s for s in State if s not in Case.OPEN_STATES), State.QUEUED),
}


class IllegalTransition(Exception):
    """The case or flag is not in a state that allows this decision; the message says why."""


def ensure_moderators_group() -> Group:
    """The tenant's `moderators` group, holding the permissions to see cases and decide."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(codename__in=MODERATOR_PERMISSIONS, content_type__app_label="moderation")
    )
    return group


def _require_moderator(user: User) -> None:
    if not user.has_perm("moderation.moderate"):
        raise PermissionDenied("Only moderators can decide on cases.")


def _case_state(case: Case) -> dict[str, Any]:
    return {"state": case.state, "assignee": case.assignee_id}


def _flag_state(flag: Flag) -> dict[str, Any]:
    return {"review": flag.review, "start": flag.start, "end": flag.end, "boxes": flag.boxes}


def _record(case: Case, actor: User, action: str, before: dict[str, Any], after: dict[str, Any],
            reason: str, flag: Flag | None = None) -> Decision:  # fmt: skip
    push_queue_event_on_commit(case, action)
    return Decision.objects.create(
        case=case, flag=flag, actor=actor, action=action, reason=reason, before=before, after=after
    )


def _locked_case(case_id: int, user: User, *, must_be_open: bool = True) -> Case:
    """The case, row-locked; refused when it is closed or another moderator holds it."""
    case = Case.objects.select_for_update().get(id=case_id)
    if must_be_open and not case.is_open:
        raise IllegalTransition(
            f"The case is {case.get_state_display().lower()}: it takes no more decisions."
        )
    if case.assignee_id not in (None, user.pk):
        raise IllegalTransition(f"{case.assignee} is working on this case.")
    return case


@transaction.atomic
def do_claim_case(case_id: int, user: User, reason: str = "") -> bool:
    """Take an open, unassigned case; False when someone else has it (one owner, however many try)."""
    _require_moderator(user)
    now = timezone.now()
    free = Case.objects.filter(id=case_id, state__in=Case.OPEN_STATES, assignee__isnull=True)
    if free.update(assignee=user, claimed_at=now) != 1:
        return False
    case = Case.objects.get(id=case_id)
    _record(case, user, Act.CLAIM, {"assignee": None}, {"assignee": user.pk}, reason)
    return True


@transaction.atomic
def do_release_case(case_id: int, user: User, reason: str = "") -> Case:
    """Give a claimed case back to the queue."""
    _require_moderator(user)
    case = _locked_case(case_id, user)
    before = _case_state(case)
    case.assignee, case.claimed_at = None, None
    case.save(update_fields=["assignee", "claimed_at", "updated_at"])
    _record(case, user, Act.RELEASE, before, _case_state(case), reason)
    return case


@transaction.atomic
def do_review_flag(flag_id: int, user: User, verdict: str, reason: str = "") -> Flag:
    """Confirm or dismiss one flag of an open case."""
    _require_moderator(user)
    if verdict not in (Review.CONFIRMED, Review.DISMISSED):
        raise ValidationError(f"{verdict!r} is not a verdict on a flag.")
    flag = Flag.objects.get(id=flag_id)
    case = _locked_case(flag.case_id, user)
    before = _flag_state(flag)
    flag.review = verdict
    flag.save(update_fields=["review"])
    action = Act.CONFIRM_FLAG if verdict == Review.CONFIRMED else Act.DISMISS_FLAG
    _record(case, user, action, before, _flag_state(flag), reason, flag)
    return flag


def _check_span(flag: Flag, start: float, end: float) -> None:
    duration = flag.case.video.duration
    if not (start >= 0 and end - start >= MIN_SPAN and end <= duration + MIN_SPAN):
        raise ValidationError(
            f"A span must lie within the video (0 to {duration:.2f} s) and last at least {MIN_SPAN} s;"
            f" got {start:.2f} to {end:.2f} s."
        )


def _check_box(flag: Flag, box: dict[str, float]) -> None:
    if not flag.boxes:
        raise ValidationError("Only a flag with a box on the picture can have its box adjusted.")
    if not all(0 <= box[side] <= 1 for side in ("x1", "y1", "x2", "y2")):
        raise ValidationError("A box must lie within the frame.")
    if box["x2"] - box["x1"] < MIN_BOX_SIDE or box["y2"] - box["y1"] < MIN_BOX_SIDE:
        raise ValidationError("A box must be at least 1 % of the frame wide and high.")


@transaction.atomic
def do_adjust_flag(flag_id: int, user: User, start: float, end: float,
                   box: dict[str, float] | None = None, reason: str = "") -> Flag:  # fmt: skip
    """Correct a flag's span and, for a box on the picture, its box (moving the whole track alike);
    the adjusted flag is confirmed, so the censored render follows the correction."""
    _require_moderator(user)
    flag = Flag.objects.select_related("case__video").get(id=flag_id)
    case = _locked_case(flag.case_id, user)
    _check_span(flag, start, end)
    before = _flag_state(flag)
    if box is not None:
        _check_box(flag, box)
        flag.boxes = reshaped_keyframes(flag.boxes, flag.shown_keyframe or {}, box)
    flag.start, flag.end, flag.review = start, min(end, flag.case.video.duration), Review.CONFIRMED
    flag.save(update_fields=["start", "end", "boxes", "review"])
    _record(case, user, Act.ADJUST_FLAG, before, _flag_state(flag), reason, flag)
    return flag


@transaction.atomic
def do_decide_case(case_id: int, user: User, action: str, reason: str = "") -> Case:
    """Approve, approve with censoring, escalate or reject a case, as its state allows."""
    _require_moderator(user)
    allowed_from, target = CASE_TRANSITIONS[action]
    case = _locked_case(case_id, user, must_be_open=False)
    if case.state not in allowed_from:
        verb = Decision.Action(action).label.lower()
        raise IllegalTransition(f"A case that is {case.get_state_display().lower()} cannot be {verb}.")
    before = _case_state(case)
    case.state = target
    if target in Case.OPEN_STATES:
        case.assignee, case.claimed_at = None, None  # back in the queue (escalated: for a senior moderator)
    case.save(update_fields=["state", "assignee", "claimed_at", "updated_at"])
    case_state_changed.send(sender=Case, video_id=case.video_id)  # in this transaction (search listens)
    decision = _record(case, user, action, before, _case_state(case), reason)
    case_decided.send(sender=Case, case=case, decision=decision)
    if target == State.CENSORED:
        media_jobs.do_start_job(RENDER, case.video, user)  # the output now follows the moderator's verdicts
    if target in FINAL_STATES:
        transaction.on_commit(lambda: notify_uploader(case, reason))
    return case


def notify_uploader(case: Case, reason: str) -> None:
    """Tell the uploader how their video was decided (the console backend prints it by default)."""
    uploader = case.video.uploaded_by
    if uploader is None or not uploader.email:
        return
    lines = [f"Your video “{case.video.title}” was reviewed: {case.get_state_display().lower()}."]
    lines += [f"Moderator's note: {reason}"] if reason else []
    send_mail(
        f"ReelRemix: {case.video.title} — {case.get_state_display()}",
        "\n".join(lines),
        None,
        [uploader.email],
    )
