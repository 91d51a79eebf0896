"""The API keeps its schema's promises: schemathesis (`run --checks all`) over every operation of the schema,
against the app served over HTTP on a free port, as a tenant's user with a token of its own. Any failure
fails the test: a 5xx, a status or body the schema does not document, schema-valid data refused, invalid data
accepted, a method answered without 405.

Deterministic (fixed seed, deterministic generation: no example database either) and bounded (four
examples per operation, two workers) so it runs in about a minute and a half. The token's user is an owner,
so every operation is reached, and revoking all tokens is left out (it would end the run's session: every
later operation would only meet 401). Jobs it starts only get queued (no worker runs
here), and the broker's queues are emptied afterwards. What an operation may refuse that a schema cannot
say is listed, with the reason, in schemathesis.toml beside this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from accounts import services as account_services
from gpu_worker.embeddings import get_text_embedder
from team import services as team_services
from team.models import Role
from tenants import services as tenant_services

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@pytest.fixture
def live_api(live_site: str, settings) -> Iterator[str]:
    """The live site as the API's callers see it, the jobs it queued dropped afterwards."""
    settings.API_RATE_USER = "100000/minute"  # the run is not a flood to throttle
    get_text_embedder()  # loaded before the first search, as a web process does (reelremix.asgi)
    try:
        yield live_site
    finally:
        dramatiq.get_broker().flush_all()  # the jobs it queued are not for later tests' workers


@pytest.fixture
def contract_token(committed_db) -> Iterator[str]:
    """A token of an owner of acme made for this run alone (an owner may call every operation): its writes are
    committed, and the shared personas' tokens must live on."""
    user = tenant_services.do_create_tenant_user(committed_db.acme, "contract", "contract@example.com", "x")
    with schema_context(committed_db.acme.schema_name):
        team_services.do_set_role(user, Role.OWNER)
        _, key = account_services.do_create_token(user, "schemathesis")
    try:
        yield key
    finally:
        with schema_context(committed_db.acme.schema_name):
            user.delete()  # with its tokens


def test_it_keeps_every_promise_of_its_schema(committed_db, live_api, contract_token, tmp_path):
    alice = committed_db.alice
    schema = Client(HTTP_HOST=alice.host).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema.json()))
    command = [
        SCHEMATHESIS, "--config-file", str(CONFIG), "run", str(schema_file), "--url", live_api,
        "--checks", "all", "-H", f"Host: {alice.host}", "-H", f"Authorization: Token {contract_token}",
        "--max-examples", "4", "--seed", "20261202", "--generation-deterministic",
        "--workers", "2", "--no-color", "--request-timeout", "30",
    ]  # fmt: skip
    root = str(Path(__file__).resolve().parents[2])
    hooks = {**os.environ, "SCHEMATHESIS_HOOKS": "reelremix.tests.schemathesis_hooks", "PYTHONPATH": root}
    run = subprocess.run(command, capture_output=True, text=True, timeout=400, cwd=tmp_path, env=hooks)
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
