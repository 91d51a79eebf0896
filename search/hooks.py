"""Where apps above search add to its results page, without search importing them. Registered from the
app's AppConfig.ready(); docs/architecture.md lists who registers what.

- hit actions: a button on every hit, posting a small form about the hit's moment (clips: "Make a clip
  from here")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search.models import Segment


@dataclass(frozen=True)
class HitAction:
    label: str
    url: Callable[[Segment], str]  # where the button posts
    fields: Callable[[Segment], dict[str, str]]  # the form's hidden fields


@dataclass(frozen=True)
class BoundAction:
    """An action for one hit, ready for the template."""

    label: str
    url: str
    fields: dict[str, str]


_hit_actions: list[HitAction] = []


def add_hit_action(action: HitAction) -> None:
    if action not in _hit_actions:
        _hit_actions.append(action)


def hit_actions(segment: Segment) -> list[BoundAction]:
    return [BoundAction(action.label, action.url(segment), action.fields(segment)) for action in _hit_actions]
