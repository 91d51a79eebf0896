"""Recovery of work nobody is doing, against the real database and Redis broker: stalled running stages
run again, lost messages are sent again, runs that lost their claim change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import dramatiq
import psycopg
import pytest
from django.conf import settings
from django.db.models.functions import Now
from django_tenants.utils import schema_context
from dramatiq.brokers.redis import RedisBroker

from media_jobs.claims import (
    MAX_STAGE_ATTEMPTS,
    Claim,
    StageTakenOver,
    claim_stage,
    create_stages,
    do_hand_back_stage,
    release_stage,
    worker_identity,
)
from media_jobs.dispatch import pending_message_ids, stage_message
from media_jobs.heartbeats import HeartbeatKeeper
from media_jobs.models import Job, Stage, Video
from media_jobs.pipeline import StageOutcome, StageProgress, complete_stage
from media_jobs.recovery import SWEEP_LOCK, PeriodicRecovery, recover_stalled_stages
from media_jobs.stages import EXTRACT
from moderation.stages import DETECT, MODERATION

EXTRACT = EXTRACT


@pytest.fixture
def acme(committed_db) -> Iterator[str]:
    """acme's schema, entered, with an empty broker (messages are sent for real, on commit)."""
    broker = dramatiq.get_broker()
    broker.flush_all()
    with schema_context(committed_db.acme.schema_name):
        yield committed_db.acme.schema_name
    broker.flush_all()


def _job() -> Job:
    video = Video.objects.create(title="clip", original="clip.mp4", size_bytes=1, duration=1.0)
    job = Job.objects.create(kind=MODERATION, video=video, progress_total=1000)
    create_stages(job)  # autocommit: the first stage's message is sent at once
    return job


def broker_has_message(message_id: str) -> bool:
    return message_id in pending_message_ids()


def _stage(job: Job, name: str = EXTRACT) -> Stage:
    return Stage.objects.get(job=job, name=name)


def _silent_for(stage: Stage, seconds: float) -> None:
    """As if the stage's last heartbeat (or, queued, its message) were `seconds` old."""
    past = Now() - timedelta(seconds=seconds)
    Stage.objects.filter(id=stage.pk).update(heartbeat_at=past, queued_at=past)


def _claimed(job: Job, schema_name: str) -> tuple[Stage, Claim]:
    stage = claim_stage(job.pk, EXTRACT)
    assert stage is not None and stage.claim is not None
    return stage, Claim(schema_name, stage.pk, stage.claim)


def test_it_records_the_message_that_delivers_each_queued_stage(acme):
    job = _job()
    extract = _stage(job)
    assert extract.state == Stage.State.QUEUED and broker_has_message(extract.message_id)
    assert set(job.stages.exclude(name=EXTRACT).values_list("state", "message_id")) == {("pending", "")}


def test_it_runs_again_a_stage_whose_worker_stopped_responding(acme):
    job = _job()
    stage, _ = _claimed(job, acme)
    _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
    report = recover_stalled_stages()
    assert report.requeued == [stage.pk]
    again = _stage(job)
    assert (again.state, again.claim, again.attempts) == (Stage.State.QUEUED, None, 1)
    assert broker_has_message(again.message_id) and worker_identity() in again.error
    assert Job.objects.get(id=job.pk).state == Job.State.QUEUED  # nobody works on it now
    assert claim_stage(job.pk, EXTRACT).attempts == 2  # the next worker runs it again


def test_it_leaves_alone_a_stage_whose_worker_is_alive(acme):
    job = _job()
    stage, claim = _claimed(job, acme)
    keeper = HeartbeatKeeper()
    with keeper.keep(claim):
        _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
        assert keeper.beat() == 1  # what the keeper's thread does every STAGE_HEARTBEAT_SECONDS
        assert recover_stalled_stages().requeued == []
    assert _stage(job).state == Stage.State.RUNNING
    assert keeper.held() == [] and keeper.beat() == 0


def test_it_gives_the_job_up_when_the_stage_lost_its_worker_on_every_attempt(acme):
    job = _job()
    Stage.objects.filter(job=job, name=EXTRACT).update(attempts=MAX_STAGE_ATTEMPTS - 1)
    stage, _ = _claimed(job, acme)
    _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
    assert recover_stalled_stages().failed == [job.pk]
    failed = Job.objects.get(id=job.pk)
    assert failed.state == Job.State.FAILED and "stopped responding on every attempt" in failed.error
    assert set(failed.stages.values_list("state", flat=True)) == {Stage.State.FAILED}


def test_it_sends_again_a_stage_whose_message_the_broker_lost(acme):
    job = _job()
    lost = _stage(job).message_id
    dramatiq.get_broker().flush_all()  # Redis restarted without it
    _silent_for(_stage(job), settings.STAGE_QUEUED_GRACE_SECONDS + 5)
    assert recover_stalled_stages().resent == [_stage(job).pk]
    sent = _stage(job)
    assert sent.message_id != lost and broker_has_message(sent.message_id)
    _silent_for(sent, settings.STAGE_QUEUED_GRACE_SECONDS + 5)
    assert recover_stalled_stages().resent == []  # the broker holds this one: no duplicate


def test_it_puts_back_a_message_a_killed_worker_had_fetched(acme):
    """A worker SIGKILLed with a stage message prefetched: the message is still the broker's (not lost, so not
    sent again) but no one will run it until Dramatiq's maintenance, which the sweep now runs itself."""
    job = _job()
    broker = dramatiq.get_broker()
    queue_name = stage_message(acme, job.pk, EXTRACT).queue_name
    killed = RedisBroker(client=broker.client, namespace=broker.namespace)
    consumer = iter(killed.consume(queue_name, 1, 100))
    fetched = next(message for message in (next(consumer) for _ in range(50)) if message is not None)
    assert fetched.message_id == _stage(job).message_id
    assert broker.client.llen(f"{broker.namespace}:{queue_name}") == 0  # fetched by the worker about to die
    heartbeats = f"{broker.namespace}:__heartbeats__"
    broker.client.zadd(heartbeats, {killed.broker_id: 0})  # then killed: its last heartbeat, long ago
    _silent_for(_stage(job), settings.STAGE_QUEUED_GRACE_SECONDS + 5)
    assert recover_stalled_stages().resent == []  # the broker holds it: no duplicate
    assert broker.client.llen(f"{broker.namespace}:{queue_name}") == 1  # and it is back for a live worker


def test_it_gives_a_just_queued_stage_time_before_calling_its_message_lost(acme):
    job = _job()
    dramatiq.get_broker().flush_all()
    assert recover_stalled_stages().resent == []  # within STAGE_QUEUED_GRACE_SECONDS of being queued
    assert _stage(job).state == Stage.State.QUEUED


def test_it_drops_what_a_run_does_after_losing_its_claim(acme):
    job = _job()
    stage, _ = _claimed(job, acme)
    _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
    recover_stalled_stages()  # another worker may now take it
    with pytest.raises(StageTakenOver):
        StageProgress(stage)(0.5)
    assert complete_stage(stage, StageOutcome(metrics={"late": True}), 1.0) is False
    release_stage(stage, RuntimeError("late"), "late-message")
    after = _stage(job)
    assert (after.state, after.metrics, after.fraction) == (Stage.State.QUEUED, {}, 0.0)
    assert after.message_id != "late-message"
    assert _stage(job, DETECT).state == Stage.State.PENDING  # nothing was queued after it


def test_it_takes_back_a_stage_handed_back_without_counting_an_attempt(acme):
    job = _job()
    _, claim = _claimed(job, acme)
    assert do_hand_back_stage(claim) is True
    back = _stage(job)
    assert (back.state, back.attempts, back.claim) == (Stage.State.QUEUED, 0, None)
    assert broker_has_message(back.message_id) and "Handed back" in back.error
    assert Job.objects.get(id=job.pk).state == Job.State.QUEUED
    assert do_hand_back_stage(claim) is False  # its claim is gone


def test_it_ignores_a_message_for_a_stage_another_worker_runs(acme):
    job = _job()
    stage, _ = _claimed(job, acme)
    assert claim_stage(job.pk, EXTRACT) is None
    assert (_stage(job).attempts, _stage(job).claim) == (1, stage.claim)


def test_it_sweeps_once_at_a_time_across_workers(acme):
    job = _job()
    stage, _ = _claimed(job, acme)
    _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
    db = settings.DATABASES["default"]
    dsn = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    with psycopg.connect(dsn, autocommit=True) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK])
        report = recover_stalled_stages()
    assert report.swept is False and _stage(job).state == Stage.State.RUNNING


def test_it_waits_a_heartbeat_interval_after_the_database_was_away(acme, settings):
    settings.STAGE_HEARTBEAT_SECONDS = 0  # "a heartbeat interval" passes at once here
    job = _job()
    stage, _ = _claimed(job, acme)
    _silent_for(stage, settings.STAGE_STALE_SECONDS + 5)
    periodic = PeriodicRecovery()
    assert periodic().requeued == []  # first sweep since the database answered: heartbeats may lag
    assert periodic().requeued == [stage.pk]
