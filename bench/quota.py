"""Quota reservation cost: what billing adds to every submission, alone and when uploads of one tenant
race for its quota (they queue on the subscription's row lock). The baseline, measured in the same run,
is a plain insert of the same ledger row in the same transaction shape. Every transaction is rolled
back, so the benchmark leaves no usage behind."""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from reelremix import stack

ROUNDS, THREADS = 300, 8
BENCH_SLUG = "bench-quota"


def _rolled_back(work: Callable[[], object]) -> float:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        work()
        transaction.set_rollback(True)
    return time.perf_counter() - started


def _serial(work: Callable[[], object], rounds: int) -> list[float]:
    return [_rolled_back(work) for _ in range(rounds)]


def _concurrent(work: Callable[[], object], threads: int, rounds: int) -> tuple[float, list[float]]:
    """(wall seconds, latencies) of `threads` threads, each its own connection, `rounds` each."""
    from django.db import connection

    start, latencies = threading.Barrier(threads + 1), []

    def run() -> None:
        start.wait()
        latencies.extend(_serial(work, rounds))
        connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    started = time.perf_counter()
    start.wait()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, latencies


def _ms(latencies: list[float], quantile: int = 50) -> float:
    return round(1000 * statistics.quantiles(latencies, n=100)[quantile - 1], 2)


def measure() -> dict[str, Any]:
    from django.utils import timezone

    from billing import quota
    from billing.models import UsageEntry
    from tenants import services
    from tenants.models import Tenant

    tenant = (
        Tenant.objects.filter(slug=BENCH_SLUG).first()
        or services.do_create_tenant(
            "Quota benchmark", BENCH_SLUG, f"bench@{settings.BASE_DOMAIN}", plan="agency"
        ).tenant
    )
    now = timezone.now()

    def insert() -> object:
        return UsageEntry.objects.create(tenant=tenant, period_start=now, seconds=60.0, size_bytes=1)

    def reserve() -> object:
        return quota.do_reserve_minutes(tenant.schema_name, 60.0, 1)

    _serial(reserve, 20)  # warm the connection and the query plans
    baseline, serial = _serial(insert, ROUNDS), _serial(reserve, ROUNDS)
    wall, racing = _concurrent(reserve, THREADS, ROUNDS // THREADS)
    serial_rate, racing_rate = len(serial) / sum(serial), len(racing) / wall
    return {
        "plain_insert_ms_p50": _ms(baseline),
        "reserve_ms_p50": _ms(serial),
        "reserve_ms_p95": _ms(serial, 95),
        "reserve_over_plain_insert": round(_ms(serial) / _ms(baseline), 2),
        "serial_reservations_per_s": round(serial_rate, 1),
        f"racing_{THREADS}_threads_reservations_per_s": round(racing_rate, 1),
        f"racing_{THREADS}_threads_ms_p95": _ms(racing, 95),
        "racing_over_serial_throughput": round(racing_rate / serial_rate, 2),
    }


def main() -> None:
    with stack.embedded_services():
        stack.migrate()
        report = {"cpus": os.cpu_count(), "rounds": ROUNDS, "threads": THREADS, **measure()}
    print(json.dumps(report, indent=2))
    out = Path(settings.VAR_DIR) / "bench" / "quota.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
