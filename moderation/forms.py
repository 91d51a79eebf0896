"""The moderators' POSTs from the case page, validated before any decision is asked for: a malformed one
is refused with a message naming its field, and changes nothing."""

from __future__ import annotations

from typing import Any

from django import forms

from moderation.models import Decision, Review

Act = Decision.Action
# What the case page's buttons may post, and their labels, in the order the page shows them.
CASE_BUTTONS = {
    Act.CLAIM: "Claim",
    Act.RELEASE: "Release",
    Act.APPROVE: "Approve as is",
    Act.APPROVE_CENSORED: "Approve with censoring",
    Act.ESCALATE: "Escalate",
    Act.REJECT: "Reject",
    Act.REOPEN: "Reopen",
}
BOX_SIDES = ("left", "top", "width", "height")
NOT_A_NUMBER = "must be a number."
NUMBER_ERRORS = {
    "required": NOT_A_NUMBER,
    "invalid": NOT_A_NUMBER,  # also NaN and the infinities
    "min_value": "must be at least %(limit_value)s.",
    "max_value": "must be at most %(limit_value)s.",
}


def _choice(choices: list[tuple[str, str]], what: str) -> forms.ChoiceField:
    """A choice whose refusal names what was posted, as a message away from the form must."""
    invalid = f"“%(value)s” is not {what}."
    return forms.ChoiceField(choices=choices, error_messages={"invalid_choice": invalid})


def _number(label: str, **bounds: Any) -> forms.FloatField:
    """A float field whose messages read well after its label, at the top of the page."""
    return forms.FloatField(label=label, error_messages=NUMBER_ERRORS, **bounds)


class CaseDecisionForm(forms.Form):
    """A button of the case page: claim, release, or a transition of the case's state."""

    action = _choice(list(CASE_BUTTONS.items()), "a decision on a case")
    reason = forms.CharField(required=False)


class FlagVerdictForm(forms.Form):
    """Confirm or dismiss one flag."""

    verdict = _choice(
        [(r, Review(r).label) for r in (Review.CONFIRMED, Review.DISMISSED)], "a verdict on a flag"
    )


class FlagAdjustForm(forms.Form):
    """A flag's corrected span in seconds and, when the box's width is given, its box in percent of the
    frame (as the page shows it); whether the span fits the video is the service's to check."""

    start = _number("Start")
    end = _number("End")
    box_left = _number("Box left", required=False, min_value=0, max_value=100)
    box_top = _number("Box top", required=False, min_value=0, max_value=100)
    box_width = _number("Box width", required=False, min_value=0, max_value=100)
    box_height = _number("Box height", required=False, min_value=0, max_value=100)
    reason = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        """The service's arguments: the span, the box in fractions of the frame (or None), the reason."""
        cleaned = super().clean() or {}
        box = self._box(cleaned) if self.data.get("box_width") else None
        return {
            "start": cleaned.get("start"),
            "end": cleaned.get("end"),
            "box": box,
            "reason": cleaned.get("reason", ""),
        }

    def _box(self, cleaned: dict[str, Any]) -> dict[str, float] | None:
        """The box from its four sides in percent, or None when any of the form's values is refused."""
        for name in (f"box_{side}" for side in BOX_SIDES):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, NOT_A_NUMBER)  # a box needs all four sides
        if self.errors:
            return None
        left, top, width, height = (cleaned[f"box_{side}"] / 100 for side in BOX_SIDES)
        return {"x1": left, "y1": top, "x2": left + width, "y2": top + height}


def refusal(form: forms.Form) -> str:
    """The form's errors as one line for the admin's message bar, each after its field's label."""
    return " ".join(
        f"{form[name].label}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
    )
