"""Job progress in the celery-progress message shape, pushed to the job's Channels group."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from media_jobs.models import Job
from reelremix.redis_outage import on_commit_unless_redis_is_down
from tenants.context import current_schema_name

# celery-progress's JavaScript understands Celery task states; a Job maps onto them.
_CELERY_STATES = {
    Job.State.QUEUED: "PENDING",
    Job.State.RUNNING: "PROGRESS",
    Job.State.SUCCEEDED: "SUCCESS",
    Job.State.FAILED: "FAILURE",
}
MESSAGE_TYPE = "update_task_progress"


def progress_group(schema_name: str, job_id: int) -> str:
    """The Channels group of one job; the schema in the name keeps tenants' job ids apart."""
    return f"progress.{schema_name}.{job_id}"


def progress_payload(job: Job) -> dict[str, Any]:
    """{state, complete, success, progress: {current, total, percent, description, at}, result}; `at` is
    when the progress was stored (epoch seconds), so a watcher can tell an older message from a newer one."""
    success: bool | None = None
    result: Any = None
    if job.state == Job.State.SUCCEEDED:
        success, result = True, job.result
    elif job.state == Job.State.FAILED:
        success, result = False, job.error
    return {
        "state": _CELERY_STATES[Job.State(job.state)],
        "complete": job.is_finished,
        "success": success,
        "progress": {
            "pending": job.state == Job.State.QUEUED,
            "current": job.progress_current,
            "total": job.progress_total,
            "percent": job.percent,
            "description": job.progress_description,
            "at": job.progress_at.timestamp() if job.progress_at else 0.0,
        },
        "result": result,
    }


def push_progress(schema_name: str, job: Job) -> None:
    """Send the job's current progress to every socket watching it."""
    channel_layer = get_channel_layer()
    assert channel_layer is not None, "CHANNEL_LAYERS is not configured"
    message = {"type": MESSAGE_TYPE, "data": progress_payload(job)}
    async_to_sync(channel_layer.group_send)(progress_group(schema_name, job.pk), message)


def push_progress_on_commit(job: Job) -> None:
    """Push the job's progress once the current transaction commits (never a state that rolled back)."""
    schema_name = current_schema_name()
    # Progress is a courtesy to watchers (the row is the truth, and a page asks for it on connect); Redis
    # being away must not fail the work that reports it.
    on_commit_unless_redis_is_down(
        lambda: push_progress(schema_name, job), f"job {job.pk}'s progress was not pushed to its pages"
    )
