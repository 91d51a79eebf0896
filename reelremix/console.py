"""`reelremix process FILE` and `reelremix demo`: run videos through the real pipeline from a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from reelremix import stack
from reelremix.errors import StartupError


def worker_log() -> Path:
    """Where the commands' worker writes its log lines, instead of over the progress bar."""
    return Path(settings.VAR_DIR) / "log" / "worker.log"


@contextlib.contextmanager
def tenant_with_worker(tenant_slug: str) -> Iterator[Any]:
    """The embedded services, the database migrated, a worker running, and the tenant's schema active."""
    from django_tenants.utils import schema_context

    from tenants.models import Tenant

    with stack.embedded_services():
        stack.migrate()
        stack.ensure_demo_tenant()
        tenant = Tenant.objects.filter(slug=tenant_slug).first()
        if tenant is None:
            raise StartupError(f"no tenant {tenant_slug!r}; create it with manage.py provision_tenant")
        children = stack.start_worker(threads=settings.WORKER_THREADS, output=worker_log())
        try:
            with schema_context(tenant.schema_name):
                yield tenant
        finally:
            children.stop()


def process(path: Path, tenant_slug: str, title: str = "") -> None:
    """Start what is needed, submit the file, show a progress bar, print the flags and the output."""
    if not path.is_file():
        raise StartupError(f"{path} is not a file")
    with tenant_with_worker(tenant_slug) as tenant:
        print_report(moderate(tenant.schema_name, path, title))


def moderate(schema_name: str, path: Path, title: str) -> Any:
    """Submit the file and follow its moderation to the end; the finished job."""
    from billing.errors import BillingRefusal
    from media_jobs import services
    from media_jobs.media.types import UnplayableMedia

    try:
        job = services.do_submit_video(None, path, path.name, title)
    except (UnplayableMedia, BillingRefusal) as err:
        raise StartupError(f"{path.name}: {err}") from None
    follow(schema_name, job.pk, "moderation")
    job.refresh_from_db()
    return job


def follow(schema_name: str, job_id: int, what: str) -> None:
    """Draw the job's progress bar until it ends; StartupError with the reason if it failed."""
    from asgiref.sync import async_to_sync

    final = async_to_sync(_watch)(schema_name, job_id)
    print()
    if not final["success"]:
        raise StartupError(f"{what} failed: {final['result']}")


async def _watch(schema_name: str, job_id: int) -> dict[str, Any]:
    """Follow the job's progress messages (the same ones the browser gets) until it completes."""
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from media_jobs.models import Job
    from media_jobs.progress import progress_group, progress_payload

    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add(progress_group(schema_name, job_id), channel)
    data = progress_payload(
        await database_sync_to_async(Job.objects.get)(id=job_id)
    )  # in case it already ended
    while not data["complete"]:
        _draw_bar(data["progress"])
        # A stage reports at least every few seconds; ten silent minutes mean no worker is running.
        data = (await asyncio.wait_for(layer.receive(channel), timeout=600))["data"]
    _draw_bar(data["progress"])
    return data


def _draw_bar(progress: dict[str, Any]) -> None:
    width = max(10, min(40, shutil.get_terminal_size().columns - 50))
    filled = round(width * progress["percent"] / 100)
    label = progress["description"][:30]
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {progress['percent']:5.1f} %  {label:<30}"
    sys.stdout.write(line)
    sys.stdout.flush()


def print_report(job: Any) -> None:
    """The case of a moderated video: its flags, and where the censored output is."""
    from media_jobs.models import Artifact
    from moderation.services import video_page_context

    case = video_page_context(job.video)["case"]
    print(f"Case: {case.get_state_display() if case else 'none'}")
    print(f"{'kind':<10} {'what':<28} {'from':>8} {'to':>8} {'score':>6}  action")
    for flag in case.flags.all() if case else []:
        heard = flag.text.strip(" .,!?").lower()
        what = f"{flag.label} (heard: {flag.text})" if heard and heard != flag.label else flag.label
        what += "" if flag.certain else " ?"
        span = f"{flag.start:8.2f} {flag.end:8.2f}"
        print(f"{flag.kind:<10} {what[:28]:<28} {span} {flag.score:6.2f}  {flag.get_action_display()}")
    output = job.artifacts.filter(kind=Artifact.Kind.CENSORED).first()
    print(f"Censored output: {output.file.path if output else 'none (nothing to censor)'}")
