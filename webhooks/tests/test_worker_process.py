"""The whole path in real worker processes, as production runs them: a self-check job finishes in a
`dramatiq reelremix.worker` process and the receiver gets the signed POST; a delivery whose receiver was
down is sent by the sweep of a worker started after the first one is gone."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from django_tenants.utils import schema_context

from media_jobs import services as media_jobs
from media_jobs.models import Job
from media_jobs.tests.workers import WorkerProcess, wait_for
from webhooks.models import Delivery
from webhooks.tests.factories import make_endpoint
from webhooks.tests.receiver import Receiver, free_port, verify


def _selfcheck(world) -> Job:
    with schema_context(world.acme.schema_name):
        return media_jobs.do_create_selfcheck_job(User.objects.get(pk=world.alice.user.pk))


def _delivery(world) -> Delivery | None:
    with schema_context(world.acme.schema_name):
        return Delivery.objects.first()


def test_it_posts_when_a_job_finishes_in_a_worker_process(workers, committed_db, receiver, tmp_path):
    world = committed_db
    endpoint = make_endpoint(world.acme, receiver.url)
    workers.append(WorkerProcess(tmp_path / "worker.log"))
    job = _selfcheck(world)
    try:
        [request] = receiver.wait_for(1, timeout=120)
    except AssertionError as error:  # say where it stopped (seen once: a cold first start under load)
        raise AssertionError(
            f"{error}; delivery {_delivery(world)}; worker log:\n{workers[0].log()}"
        ) from None
    body = json.loads(request.body)
    assert verify(endpoint.secret, request.headers["ReelRemix-Signature"], request.body)
    assert (body["event"], body["data"]["job"], body["data"]["kind"]) == (
        "job.succeeded",
        job.pk,
        "selfcheck",
    )
    wait_for(lambda: (d := _delivery(world)) and d.state == "succeeded", 30, "the delivery recorded")


def test_a_worker_started_later_sends_what_failed_before(workers, committed_db, tmp_path):
    world = committed_db
    receiver = Receiver(port=free_port())  # down
    make_endpoint(world.acme, receiver.url)
    first = WorkerProcess(tmp_path / "first.log")
    workers.append(first)
    _selfcheck(world)
    wait_for(lambda: (d := _delivery(world)) and d.attempts == 1, 120, "the first attempt")
    first.stop()
    receiver.start()
    try:
        with schema_context(world.acme.schema_name):  # the retry is due now
            Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        workers.append(WorkerProcess(tmp_path / "second.log", WEBHOOKS_SWEEP_SECONDS="1"))
        receiver.wait_for(1, timeout=120)
    finally:
        receiver.stop()
    wait_for(lambda: (d := _delivery(world)) and d.state == "succeeded", 30, "the delivery recorded")
    assert _delivery(world).attempts == 2
