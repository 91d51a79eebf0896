"""`reelremix clips FILE_OR_ID` (and the demo's clips): moderate a file first when given one, make clips of
the video, follow the job's progress, print the clips ranked with their score breakdown and their files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reelremix import console
from reelremix.errors import StartupError


def clips(args: argparse.Namespace) -> None:
    aspects = [aspect.strip() for aspect in args.aspects.split(",") if aspect.strip()]
    with console.tenant_with_worker(args.tenant) as tenant:
        video = video_to_work_on(tenant.schema_name, args.video)
        options = (args.min_seconds, args.max_seconds, args.count)
        make_clips(tenant.schema_name, video, options, aspects, captions=not args.no_captions)


def video_to_work_on(schema_name: str, given: str) -> Any:
    """The video to clip or upscale: an id the tenant has, or a file, moderated now."""
    from media_jobs.hooks import visible_videos
    from media_jobs.models import Video

    if given.isdigit() and not Path(given).is_file():
        video = visible_videos(Video.objects.all()).filter(pk=int(given)).first()
        if video is None:
            raise StartupError(f"this tenant has no video {given}")
        return video
    path = Path(given)
    if not path.is_file():
        raise StartupError(f"{given} is neither a file nor a video id")
    job = console.moderate(schema_name, path, "")
    console.print_report(job)
    return job.video


def make_clips(
    schema_name: str, video: Any, options: tuple[float, float, int], aspects: list[str], captions: bool = True
) -> None:
    from billing.errors import BillingRefusal
    from clips import services
    from clips.errors import ClipRefusal

    try:
        checked = services.check_options(video, *options, aspects)
        run = services.do_start_clips(video, None, checked, aspects, captions)
    except (ClipRefusal, BillingRefusal) as error:
        raise StartupError(error.message) from None
    print(f"Making up to {checked.count} clips of {video.title}")
    console.follow(schema_name, run.job_id, "making clips")
    _print_clips(run)


def _print_clips(run: Any) -> None:
    from clips.models import Clip

    clips = Clip.objects.filter(run=run).prefetch_related("renditions").order_by("rank")
    if not clips:
        print("No clips: no stretch of the video fits the lengths asked for.")
    for clip in clips:
        safe = "safe to post" if clip.safe_to_post else "NOT safe to post"
        span = f"{clip.start:7.2f}-{clip.end:7.2f} s"
        print(f"\n#{clip.rank}  {span}  score {clip.score:.2f}  {safe}: {clip.safety}")
        print(f"    {clip.title}")
        for name, part in clip.breakdown.items():
            if part["weight"] is not None:
                print(f"    {name:<13} {part['value']:.2f} x {part['weight']:.2f}  {part['why']}")
        for rendition in clip.renditions.all():
            print(f"    {rendition.aspect:>5}: {where(rendition.file)}")


def where(field_file: Any) -> str:
    try:
        return str(field_file.path)
    except NotImplementedError:  # remote storage
        return str(field_file.url)
