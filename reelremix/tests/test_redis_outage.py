"""Sends after a commit while Redis is away (reelremix.redis_outage): the commit stands, and what Redis was to
carry (a stage's message to the broker, a job's progress to its pages) is one warning line, not an ERROR with
a traceback that reads as a bug. The clients are real: the broker and the Channels layer pointed at a port
where no Redis listens."""

from __future__ import annotations

import logging

import dramatiq
import pytest
from django_tenants.utils import schema_context
from dramatiq.brokers.redis import RedisBroker

from media_jobs import jobs
from media_jobs.dispatch import enqueue_on_commit
from media_jobs.models import Job
from media_jobs.stages import SELFCHECK
from reelremix.redis_outage import on_commit_unless_redis_is_down
from reelremix.settings import redis_consumers


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def _outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "reelremix.redis_outage"]


def test_progress_stored_while_the_channel_layers_redis_is_down_stands_with_one_warning(
    world, settings, free_port, caplog, django_capture_on_commit_callbacks
):
    layers, _ = redis_consumers("reelremix-redis-outage")
    layers["default"]["CONFIG"]["hosts"][0]["address"] = f"redis://127.0.0.1:{free_port}/0"
    settings.CHANNEL_LAYERS = layers  # channels builds its layer afresh on the new settings
    with schema_context(world.acme.schema_name):
        job = jobs.create_job(SELFCHECK, None, world.alice.user, progress_total=4)
        with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True) as sent:
            assert jobs.store_progress(job, 2, 4, "halfway", force=True)
        assert len(sent) == 1  # the push was tried, after the commit
        stored = Job.objects.get(pk=job.pk)
    assert (stored.progress_current, stored.progress_description) == (2, "halfway")
    assert _errors(caplog) == []
    [warning] = _outage_warnings(caplog)
    assert warning.startswith(f"Redis is unreachable; job {job.pk}'s progress was not pushed to its pages: ")


@pytest.fixture
def broker_away(free_port: int):
    """The process's broker, for this test, is a Redis broker at a port where no Redis listens."""
    suite_broker = dramatiq.get_broker()
    dramatiq.set_broker(RedisBroker(url=f"redis://127.0.0.1:{free_port}/0"))
    yield
    dramatiq.set_broker(suite_broker)


def test_a_stage_message_the_broker_cannot_take_is_one_warning_that_names_it(
    db, broker_away, caplog, django_capture_on_commit_callbacks
):
    message = dramatiq.Message(
        queue_name="default", actor_name="run_cpu_stage", args=(), kwargs={}, options={}
    )
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True) as sent:
        enqueue_on_commit(message)
    assert len(sent) == 1
    assert _errors(caplog) == []
    [warning] = _outage_warnings(caplog)
    waits = f"message {message.message_id} (run_cpu_stage) waits for recovery to send it again"
    assert warning.startswith(f"Redis is unreachable; {waits}: ")


def test_any_other_failure_after_the_commit_is_still_an_error_with_its_traceback(
    db, caplog, django_capture_on_commit_callbacks
):
    def bug() -> None:
        raise ValueError("a bug in a send")

    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        on_commit_unless_redis_is_down(bug, "nothing that matters")
    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert error.exc_info is not None and "a bug in a send" in str(error.exc_info[1])
    assert _outage_warnings(caplog) == []
