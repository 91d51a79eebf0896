"""The `reelremix` command: `up` (the whole stack), `process FILE`, `clips FILE_OR_ID`, `recap`,
`upscale FILE_OR_ID`, `demo`, `down`.

Errors an operator can fix (bad configuration, a port in use, an unreachable database) end the
command with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reelremix.embedded import EmbeddedServiceError
from reelremix.errors import StartupError


@contextlib.contextmanager
def exit_on_configuration_error() -> Iterator[None]:
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError

    try:
        yield
    except (ImproperlyConfigured, EmbeddedServiceError, StartupError) as err:
        _fail(str(err))
    except OperationalError as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        _fail(f"cannot use the database: {first_line}")


def _fail(message: str) -> None:
    print(f"reelremix: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelremix", description="ReelRemix: moderate and repurpose video.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the services, migrate, and serve the site, API and workers")
    up.add_argument("--host", default="127.0.0.1", help="address the web server binds (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")
    up.add_argument("--worker-threads", type=int, help="Dramatiq worker threads (default: WORKER_THREADS, 4)")
    up.add_argument(
        "--web-processes", type=int, default=None,
        help="web server processes (default: one per CPU core, and one more)",
    )  # fmt: skip
    process = commands.add_parser("process", help="moderate one video file and print what was found")
    process.add_argument("file", type=Path, help="the video to moderate")
    process.add_argument("--tenant", default="demo", help="tenant slug (default demo)")
    process.add_argument("--title", default="", help="title (default: the file name)")
    clips = commands.add_parser(
        "clips", help="make ranked, captioned short clips of a video (moderated first)"
    )
    clips.add_argument("video", help="a video file, or the id of a video the tenant has")
    clips.add_argument("--tenant", default="demo", help="tenant slug (default demo)")
    clips.add_argument("--count", type=int, default=10, help="how many clips (default 10)")
    clips.add_argument("--min-seconds", type=float, default=15.0, help="shortest clip (default 15)")
    clips.add_argument("--max-seconds", type=float, default=60.0, help="longest clip (default 60)")
    clips.add_argument("--aspects", default="9:16", help="comma-separated: 9:16, 1:1, 16:9 (default 9:16)")
    clips.add_argument("--no-captions", action="store_true", help="do not burn captions in")
    _recap_parser(commands)
    upscale = commands.add_parser("upscale", help="upscale a video with Real-ESRGAN (moderated first)")
    upscale.add_argument("video", help="a video file, or the id of a video the tenant has")
    upscale.add_argument("--tenant", default="demo", help="tenant slug (default demo)")
    upscale.add_argument("--scale", default="2x", help="2x, 3x, 4x, or a height: 720, 1080, 1440, 2160")
    upscale.add_argument(
        "--model",
        default="animevideov3",
        help="animevideov3 (default), x4plus, x4plus-anime, lanczos (not AI)",
    )
    commands.add_parser("demo", help="generate a sample video, moderate it and make clips of it")
    commands.add_parser("down", help="stop the embedded PostgreSQL and Redis")
    return parser


def _recap_parser(commands: Any) -> None:
    recap = commands.add_parser(
        "recap",
        help="a recap of a video that follows a script (default: the demo sample and a 3-scene script)",
    )
    recap.add_argument("video", nargs="?", help="a video file, or the id of a video the tenant has")
    recap.add_argument(
        "--script", help="the script: text or Markdown, scenes split by blank lines or headings"
    )
    recap.add_argument("--narration", help="narration audio, split at its pauses into the script's scenes")
    recap.add_argument("--tenant", default="demo", help="tenant slug (default demo)")
    recap.add_argument("--title", default="", help="the recap's title")
    recap.add_argument("--intro", default="", help="an intro card's text")
    recap.add_argument("--outro", default="", help="an outro card's text")
    recap.add_argument("--max-run", type=float, default=10.0, help="longest continuous run of source (10 s)")
    recap.add_argument("--aspect", default="16:9", help="16:9, 1:1 or 9:16 (default 16:9)")
    recap.add_argument("--review", action="store_true", help="align only: review and render from the page")
    recap.add_argument("--more", default="", help="more video ids after this one, as one source: 12,13")


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
    with exit_on_configuration_error():
        import django

        django.setup()
        from django.conf import settings

        from reelremix import console, stack

        if args.command == "up":
            threads = args.worker_threads or settings.WORKER_THREADS
            stack.up(args.host, args.port, threads, args.web_processes or stack.DEFAULT_WEB_PROCESSES)
        elif args.command == "process":
            console.process(args.file, args.tenant, args.title)
        elif args.command == "clips":
            from reelremix import clips_console

            clips_console.clips(args)
        elif args.command == "recap":
            from reelremix import recap_console

            recap_console.recap(args)
        elif args.command == "upscale":
            from reelremix import upscale_console

            upscale_console.upscale(args)
        elif args.command == "demo":
            from reelremix import demo

            demo.demo()
        elif args.command == "down":
            stack.down()
