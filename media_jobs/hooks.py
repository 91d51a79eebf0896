"""Where apps above the engine change what its pages and API show, without the engine importing them.
Each hook is registered from the app's AppConfig.ready(); docs/architecture.md lists who registers what.

- the visibility policy: which videos pages, the API and media URLs may show (moderation hides rejected
  ones). One policy; without one, every video is visible.
- video list loading: what a page listing videos loads with them (moderation: each video's case).
- video list filters: the filters the video list offers besides the engine's own, each a form field and
  what it keeps (moderation: the outcome; clips: whether a video has clips).
- video page sections: what a video's page shows besides the video, each app's part drawn by its own
  template with the context it gives (moderation: the case and its flags; clips: the video's clips),
  beside the player (search: the transcript) or below it.
- the player's timeline: marks at moments of the video (moderation: its flags).
- retention holds: which videos the retention sweep must keep for now (moderation: those whose case waits
  for a moderator)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

if TYPE_CHECKING:
    from media_jobs.models import Video

VideoQuery = Callable[["QuerySet[Video]"], "QuerySet[Video]"]
VideoContext = Callable[["Video"], dict[str, Any]]

_visibility: list[VideoQuery] = []
_list_loading: list[VideoQuery] = []
_page_sections: list[tuple[str, VideoContext, str]] = []
_list_filters: list[ListFilter] = []
_timelines: list[Callable[[Video], list[Mark]]] = []
_retention_holds: list[VideoQuery] = []

BESIDE_PLAYER, BELOW_PLAYER = "beside", "below"  # where a page section is drawn


@dataclass(frozen=True)
class ListFilter:
    """A filter of the video list: `form_field()` is its form field (named `name`), `keep(videos, value)`
    narrows the list by a valid value; `hints` says, for a value, why the list may be empty."""

    name: str
    form_field: Callable[[], forms.Field]
    keep: Callable[[QuerySet[Video], Any], QuerySet[Video]]
    hints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mark:
    """A moment on the player's timeline: `kind` colours it, `label` says what it is."""

    start: float
    end: float
    kind: str
    label: str


def set_visibility_policy(policy: VideoQuery) -> None:
    """The one policy that narrows the videos anyone may see; a second registration is a mistake."""
    if _visibility and _visibility[0] is not policy:
        raise RuntimeError("a visibility policy is registered already")
    _visibility[:] = [policy]


def visible_videos(videos: QuerySet[Video]) -> QuerySet[Video]:
    """The videos of `videos` that pages, the API and media URLs may show."""
    return _visibility[0](videos) if _visibility else videos


def add_video_list_loading(loading: VideoQuery) -> None:
    if loading not in _list_loading:
        _list_loading.append(loading)


def loaded_for_list(videos: QuerySet[Video]) -> QuerySet[Video]:
    """`videos` with what the apps show in a list of them, loaded in a fixed number of queries."""
    for loading in _list_loading:
        videos = loading(videos)
    return videos


def add_video_list_filter(list_filter: ListFilter) -> None:
    if all(known.name != list_filter.name for known in _list_filters):
        _list_filters.append(list_filter)


def video_list_filters() -> list[ListFilter]:
    return list(_list_filters)


def add_video_page_section(template: str, context: VideoContext, where: str = BELOW_PLAYER) -> None:
    """A part of the video page: `template` is drawn with the page's context plus `context(video)`,
    `where` the player (BESIDE_PLAYER) or under it (BELOW_PLAYER)."""
    if where not in (BESIDE_PLAYER, BELOW_PLAYER):
        raise ValueError(
            f"a page section goes {BESIDE_PLAYER!r} or {BELOW_PLAYER!r} the player, not {where!r}"
        )
    if all(known[:2] != (template, context) for known in _page_sections):
        _page_sections.append((template, context, where))


def video_page_sections(video: Video) -> dict[str, Any]:
    """What the apps add to a video's page: their context, and their templates in order, `side_sections`
    beside the player and `page_sections` below it."""
    found: dict[str, Any] = {
        "side_sections": [template for template, _, where in _page_sections if where == BESIDE_PLAYER],
        "page_sections": [template for template, _, where in _page_sections if where == BELOW_PLAYER],
    }
    for _, context, _ in _page_sections:
        found.update(context(video))
    return found


def add_video_timeline(marks: Callable[[Video], list[Mark]]) -> None:
    if marks not in _timelines:
        _timelines.append(marks)


def video_timeline(video: Video) -> list[Mark]:
    """Every app's marks on the video's timeline, in time order."""
    return sorted((mark for marks in _timelines for mark in marks(video)), key=lambda mark: mark.start)


def add_retention_hold(held: VideoQuery) -> None:
    """`held(videos)`: the videos of `videos` whose files the retention sweep must not delete yet."""
    if held not in _retention_holds:
        _retention_holds.append(held)


def without_retention_holds(videos: QuerySet[Video]) -> QuerySet[Video]:
    """`videos` less those an app holds from the retention sweep."""
    for held in _retention_holds:
        videos = videos.exclude(pk__in=held(videos).values("pk"))
    return videos
