"""`reelremix demo` (what `make demo` runs): the sample talk made, moderated and clipped."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from reelremix import clips_console, console, stack
from reelremix.errors import StartupError


def demo() -> None:
    """Make the sample talk (a moving face photograph, speech with profane words), moderate it and make
    three clips of it. Its speech is committed in the checkout: the demo runs from one (`make demo`)."""
    from reelremix.demo_video import TALK_PARTS, make_talk_video

    missing = [part for part in TALK_PARTS if not part.is_file()]
    if missing:
        raise StartupError(f"reelremix demo runs from a checkout of the project; {missing[0]} is missing")
    out = Path(settings.VAR_DIR) / "demo" / "sample.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    with console.tenant_with_worker(stack.DEMO_SLUG) as tenant:  # a database that can't be used: said first
        make_talk_video(out)
        print(f"Sample video: {out}")
        job = console.moderate(tenant.schema_name, out, "ReelRemix demo")
        console.print_report(job)
        clips_console.make_clips(tenant.schema_name, job.video, (15.0, 60.0, 3), ["9:16"])
