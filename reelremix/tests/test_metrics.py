"""/metrics: refused without the token; request latency, stage durations and failures, queues and workers,
summed over processes; no tenant in any label."""

import time

import dramatiq
import pytest
import requests
from django.test import Client
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs import registry, services
from media_jobs.models import Job
from media_jobs.tests.workers import WorkerProcess, wait_for
from reelremix.errors import PermanentJobError
from reelremix.observability.metrics import serve_machine
from reelremix.tests.prometheus import sample
from tests.noop_jobs.stages import NOOP

TOKEN = "scrape-secret"


@pytest.fixture
def scrape(settings):
    """GET /metrics with the token; returns the exposition text."""
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = Client(HTTP_HOST="localhost").get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        return response.content.decode()

    return get


def test_it_refuses_a_scrape_without_the_token(world, settings):
    settings.METRICS_TOKEN = ""
    off = Client(HTTP_HOST="localhost").get("/metrics")
    assert off.status_code == 403
    assert b"Metrics are off: set METRICS_TOKEN" in off.content

    settings.METRICS_TOKEN = TOKEN
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        refused = Client(HTTP_HOST="localhost").get("/metrics", **header)
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"reelremix_" not in refused.content


def test_it_is_not_served_on_a_tenants_host(world, settings):
    settings.METRICS_TOKEN = TOKEN
    response = Client(HTTP_HOST="acme.localhost").get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404


def test_it_shows_request_latency_by_route(world, scrape):
    labels = {"route": "dashboard", "method": "GET", "status": "200"}
    before = scrape()
    assert client_for(world.alice).get("/").status_code == 200
    after = scrape()
    name = "reelremix_http_request_duration_seconds"
    assert sample(after, f"{name}_count", **labels) == sample(before, f"{name}_count", **labels) + 1
    assert sample(after, f"{name}_sum", **labels) > sample(before, f"{name}_sum", **labels)
    assert world.acme.schema_name not in after  # labels name routes, never a tenant or a path


def test_it_sums_what_worker_processes_measured(workers, committed_db, tmp_path, scrape):
    before = scrape()
    workers.append(WorkerProcess(tmp_path / "worker.log", RUN_PERIODIC_TASKS="0"))
    with schema_context(committed_db.acme.schema_name):
        job = services.do_start_job(NOOP, None, committed_db.alice.user)
        wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 60, "the job to finish")
        assert Job.objects.get(id=job.pk).state == Job.State.SUCCEEDED
    name = "reelremix_stage_duration_seconds_count"
    last = {"stage": "noop_double", "outcome": "succeeded"}
    # A stage's duration is written just after its end is committed (and the job with it): wait for it.
    wait_for(lambda: sample(scrape(), name, **last) == sample(before, name, **last) + 1, 10, "its duration")
    after = scrape()  # in this process: the stages ran in the worker process
    for stage in ("noop_count", "noop_double"):
        labels = {"stage": stage, "outcome": "succeeded"}
        assert sample(after, name, **labels) == sample(before, name, **labels) + 1
    assert sample(after, "reelremix_workers") >= 1
    assert committed_db.acme.schema_name not in after


@pytest.fixture
def failing_kind():
    def fail(job, progress):
        raise PermanentJobError("this file cannot be read")

    registry.register(
        [registry.JobKind("ops_fail", "Fails", ("ops_fail",))], [registry.StageSpec("ops_fail", "Fail", fail)]
    )
    yield "ops_fail"
    registry.unregister(kinds=["ops_fail"], stages=["ops_fail"])


def test_it_counts_stage_failures(work_queued_jobs, committed_db, scrape, failing_kind):
    labels = {"stage": failing_kind, "kind": "permanent"}
    before = sample(scrape(), "reelremix_stage_failures_total", **labels)
    with schema_context(committed_db.acme.schema_name):
        job = services.do_start_job(failing_kind, None, committed_db.alice.user)
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        assert Job.objects.get(id=job.pk).state == Job.State.FAILED
    assert sample(scrape(), "reelremix_stage_failures_total", **labels) == before + 1


def test_it_reads_queues_and_workers_from_the_broker(world, scrape):
    broker = dramatiq.get_broker()
    broker.flush_all()
    try:
        for _ in range(2):
            broker.enqueue(broker.get_actor("run_selfcheck").message("acme", 0))
        time.sleep(0.05)
        text = scrape()
        assert sample(text, "reelremix_broker_up") == 1
        assert sample(text, "reelremix_queue_messages", queue="default") == 2
        assert sample(text, "reelremix_queue_messages", queue="gpu") == 0
        assert 0 < sample(text, "reelremix_queue_oldest_message_age_seconds", queue="default") < 60
        assert sample(text, "reelremix_queue_oldest_message_age_seconds", queue="gpu") == 0
        broker.flush_all()

        idle = sample(text, "reelremix_workers")
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            assert sample(scrape(), "reelremix_workers") == idle + 1
        finally:
            worker.stop()
        assert sample(scrape(), "reelremix_workers") == idle
    finally:
        broker.flush_all()


def test_it_says_when_the_broker_does_not_answer(world, scrape, settings):
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    text = scrape()
    assert sample(text, "reelremix_broker_up") == 0
    assert "reelremix_queue_messages" not in text


def test_it_serves_a_worker_machines_samples_on_an_internal_port(world, scrape):
    assert client_for(world.alice).get("/").status_code == 200  # a sample in this process's files
    server, thread = serve_machine("127.0.0.1", 0)
    try:
        text = requests.get(f"http://127.0.0.1:{server.server_port}/metrics", timeout=5).text
    finally:
        server.shutdown()
        thread.join(5)
    labels = {"route": "dashboard", "method": "GET", "status": "200"}
    assert sample(text, "reelremix_http_request_duration_seconds_count", **labels) >= 1
    assert "reelremix_queue_messages" not in text  # the broker's state is /metrics' alone
