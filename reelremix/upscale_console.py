"""`reelremix upscale FILE_OR_ID`: moderate a file first when given one, print the estimate, upscale the
video, follow the job's progress, and print where the output is."""

from __future__ import annotations

import argparse
from typing import Any

from reelremix import console
from reelremix.clips_console import video_to_work_on, where
from reelremix.errors import StartupError


def upscale(args: argparse.Namespace) -> None:
    from billing.errors import BillingRefusal
    from upscale import queries, services
    from upscale.errors import UpscaleRefusal

    with console.tenant_with_worker(args.tenant) as tenant:
        video = video_to_work_on(tenant.schema_name, args.video)
        try:
            estimate = queries.estimate(video, args.model, args.scale)
            print(_describe(video, estimate))
            made = services.do_start_upscale(video, None, args.model, args.scale)
        except (UpscaleRefusal, BillingRefusal) as error:
            raise StartupError(error.message) from None
        console.follow(tenant.schema_name, made.job_id, "upscaling")
        made.refresh_from_db()
        print(f"Upscaled to {made.width}x{made.height}, {made.frames} frames: {where(made.file)}")


def _describe(video: Any, estimate: dict[str, Any]) -> str:
    return (
        f"Upscaling {video.title} ({estimate['source_width']}x{estimate['source_height']}) to "
        f"{estimate['width']}x{estimate['height']} with {estimate['method']}: {estimate['frames']} frames, "
        f"about {estimate['cpu_seconds']:.0f} s on a 2-core CPU worker, {estimate['minutes_charged']:.2f} "
        "minutes of the plan."
    )
