"""Where apps above the engine change what its pages and API show, without the engine importing them.
Each hook is registered from the app's AppConfig.ready(); docs/architecture.md lists who registers what.

- the visibility policy: which videos pages, the API and media URLs may show (moderation hides rejected
  ones). One policy; without one, every video is visible.
- video list loading: what a page listing videos loads with them (moderation: each video's case).
- video page sections: what a video's page shows besides the video, each app's part drawn by its own
  template with the context it gives (moderation: the case and its flags; clips: the video's clips)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from media_jobs.models import Video

VideoQuery = Callable[["QuerySet[Video]"], "QuerySet[Video]"]
VideoContext = Callable[["Video"], dict[str, Any]]

_visibility: list[VideoQuery] = []
_list_loading: list[VideoQuery] = []
_page_sections: list[tuple[str, VideoContext]] = []


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


def add_video_page_section(template: str, context: VideoContext) -> None:
    """A part of the video page: `template` is drawn with the page's context plus `context(video)`."""
    if (template, context) not in _page_sections:
        _page_sections.append((template, context))


def video_page_sections(video: Video) -> dict[str, Any]:
    """What the apps add to a video's page: their context, and `page_sections`, their templates in order."""
    found: dict[str, Any] = {"page_sections": [template for template, _ in _page_sections]}
    for _, context in _page_sections:
        found.update(context(video))
    return found
