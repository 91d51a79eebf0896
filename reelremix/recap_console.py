"""`reelremix recap [FILE_OR_ID] [--script FILE]`: moderate a file first when given one (by default the
demo's sample talk, made if missing), align a script to it, render the recap, and print each scene with
where it was found, how sure the match is, and the cuts it shows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.conf import settings

from reelremix import clips_console, console
from reelremix.errors import StartupError

DEMO_SCRIPT = Path(__file__).resolve().parent.parent / "recaps" / "demo_script.md"


def recap(args: argparse.Namespace) -> None:
    script = Path(args.script) if args.script else DEMO_SCRIPT
    if not script.is_file():
        raise StartupError(f"no script at {script}")
    narration = Path(args.narration) if args.narration else None
    if narration is not None and not narration.is_file():
        raise StartupError(f"no narration file at {narration}")
    with console.tenant_with_worker(args.tenant) as tenant:
        video = clips_console.video_to_work_on(tenant.schema_name, args.video or str(_demo_sample()))
        make_recap(tenant.schema_name, video, script.read_text(encoding="utf-8"), narration, args)


def _demo_sample() -> Path:
    """The demo's sample talk (`make demo` makes the same one)."""
    from reelremix.demo_video import make_talk_video

    out = Path(settings.VAR_DIR) / "demo" / "sample.mp4"
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        make_talk_video(out)
    return out


def make_recap(
    schema_name: str, video: Any, script: str, narration: Path | None, args: argparse.Namespace
) -> None:
    from billing.errors import BillingRefusal
    from media_jobs.media.types import UnplayableMedia
    from recaps import services
    from recaps.errors import RecapRefusal

    options = services.RecapOptions(
        title=args.title, max_run=args.max_run, intro=args.intro, outro=args.outro, aspect=args.aspect
    )
    more = [
        clips_console.video_to_work_on(schema_name, given) for given in args.more.split(",") if given.strip()
    ]
    try:
        recap = services.do_start_recap(
            video, None, script, options, not args.review, narration, more_videos=more
        )
    except (RecapRefusal, BillingRefusal) as error:
        raise StartupError(error.message) from None
    except UnplayableMedia as error:
        raise StartupError(f"narration: {error}") from None
    print(f"Recapping {video.title} in {recap.scenes.count()} scenes")
    assert recap.job_id is not None
    console.follow(schema_name, recap.job_id, "the recap")
    _print_recap(recap)


def _print_recap(recap: Any) -> None:
    recap.refresh_from_db()
    for scene in recap.scenes.all():
        cuts = ", ".join(f"{start:.1f}-{end:.1f}" for start, end in scene.cuts)
        print(f"\nScene {scene.index + 1}: {scene.heading or scene.text[:60]}")
        found = f"found at {scene.anchor_start:.1f} s, confidence {scene.confidence:.2f}"
        print(f"    {found}, {scene.length:.1f} s")
        print(f"    shots {scene.shots}, cuts {cuts}")
    if recap.file:
        reuse = recap.report["reuse"]
        print(
            f"\nRecap: {clips_console.where(recap.file)} ({recap.duration:.1f} s); reuses "
            f"{reuse['source_seconds']:.1f} s of the source ({reuse['share']:.0%}), longest run "
            f"{reuse['longest_run']:.1f} s (limit {recap.max_run:g} s)"
        )
    else:
        print(f"\nAligned for review (recap {recap.pk}): swap shots and render it from its page, or")
        print(f"POST /api/v1/recaps/{recap.pk}/render/")
