"""What moderation asks of media_jobs' retention sweep: keep the files of a video whose case waits for a
moderator (they are what the moderator looks at, and what a censored render is made from). A moderation job
still running is kept by the engine itself: no video with an unfinished job is swept."""

from __future__ import annotations

from django.db.models import QuerySet

from media_jobs.models import Video
from moderation.models import Case


def held_for_moderation(videos: QuerySet[Video]) -> QuerySet[Video]:
    """The videos of `videos` whose case is open (a hook of media_jobs: `add_retention_hold`)."""
    return videos.filter(case__state__in=Case.OPEN_STATES)
