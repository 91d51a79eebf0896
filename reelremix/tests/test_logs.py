"""JSON log lines carry the request id, the tenant and the job id: from the request that starts a job to
the worker process that runs it, so one job can be followed across processes."""

import io
import json
import logging

import pytest
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs.models import Job
from media_jobs.tests.workers import WorkerProcess, wait_for
from reelremix.observability.logs import JsonFormatter


@pytest.fixture
def web_log():
    """What the settings' console handler writes in this process, as parsed lines."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    buffer = io.StringIO()
    former = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(former)


def test_it_stamps_a_requests_lines_with_its_id_and_tenant(world, web_log):
    response = client_for(world.alice).get("/", HTTP_X_REQUEST_ID="trace-1")
    assert response["X-Request-ID"] == "trace-1"
    [line] = [line for line in web_log() if line["logger"] == "reelremix.requests"]
    assert line["request_id"] == "trace-1"
    assert (line["tenant"], line["job_id"]) == (world.acme.schema_name, None)
    assert (line["method"], line["route"], line["status"]) == ("GET", "dashboard", 200)
    assert line["message"].startswith("GET dashboard 200 in ")


@pytest.mark.parametrize("sent", [None, "", "has spaces", "x" * 65, "new\nline"])
def test_it_gives_a_request_a_new_id_unless_a_sane_one_is_sent(world, web_log, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    given = client_for(world.alice).get("/", **headers)["X-Request-ID"]
    assert len(given) == 32 and given != sent
    assert [line["request_id"] for line in web_log() if line["logger"] == "reelremix.requests"] == [given]


def test_it_follows_a_job_from_the_request_to_the_worker_process(workers, committed_db, tmp_path, web_log):
    workers.append(WorkerProcess(tmp_path / "worker.log", RUN_PERIODIC_TASKS="0"))
    response = client_for(committed_db.alice).post("/jobs/selfcheck/", HTTP_X_REQUEST_ID="trace-2")
    assert response.status_code == 302
    with schema_context(committed_db.acme.schema_name):
        job = Job.objects.get()
        wait_for(lambda: Job.objects.get(id=job.pk).is_finished, 60, "the self-check to finish")

    def traced() -> list[dict]:
        lines = [json.loads(line) for line in workers[0].log_path.read_text().splitlines() if line[:1] == "{"]
        return [line for line in lines if line["request_id"] == "trace-2"]

    # The message's closing line is written after the actor returns, so after the job's end is committed.
    wait_for(
        lambda: any(line["logger"] == "reelremix.messages" for line in traced()), 30, "the worker's line"
    )
    assert {(line["tenant"], line["job_id"]) for line in traced()} == {
        (committed_db.acme.schema_name, job.pk)
    }
    done = next(line for line in traced() if line["logger"] == "reelremix.messages")
    assert done["message"].startswith("run_selfcheck done in ")
    [web_line] = [line for line in web_log() if line["logger"] == "reelremix.requests"]
    assert (web_line["request_id"], web_line["tenant"]) == ("trace-2", committed_db.acme.schema_name)
    assert {line["process"] for line in traced()}.isdisjoint({web_line["process"]})  # another process
