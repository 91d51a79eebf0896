"""Prometheus metrics, in prometheus-client's multiprocess mode: every web and worker process of a machine
writes its samples to its own memory-mapped files in METRICS_DIR (settings point PROMETHEUS_MULTIPROC_DIR
there before this client is imported), and /metrics sums the files of every process, live or gone (counters
and histograms keep what dead processes counted; `reelremix up` empties the folder as it starts). Queue
depths, queue ages and the worker count are read from Redis at scrape time instead (`BrokerCollector`):
they are the deployment's state, not one process's.

No label names a tenant: labels are route names, methods, statuses, stage and model names and queues, so
the platform's metrics never show one tenant's activity to anyone, and their number stays bounded however
many tenants sign up. Per-tenant detail is in the logs (every line names its tenant)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIServer

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError

from reelremix.observability import queues

if not values.ValueClass._multiprocess:
    raise ImproperlyConfigured(
        "prometheus_client was imported before the settings set PROMETHEUS_MULTIPROC_DIR: its metrics "
        "would stay in one process"
    )
settings.METRICS_DIR.mkdir(parents=True, exist_ok=True)

REQUEST_SECONDS = Histogram(
    "reelremix_http_request_duration_seconds",
    "Time to answer an HTTP request (a streamed body: until it starts), by route name, method and status",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STAGE_SECONDS = Histogram(
    "reelremix_stage_duration_seconds",
    "Wall time of a pipeline stage that finished (succeeded or skipped), by stage",
    ["stage", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
)
STAGE_FAILURES = Counter(
    "reelremix_stage_failures_total",
    "Stage runs that raised: 'permanent' fails the job, 'retryable' is retried by the broker",
    ["stage", "kind"],
)
MODEL_SECONDS_PER_FRAME = Histogram(
    "reelremix_model_seconds_per_frame",
    "Model time per video frame (detectors), averaged over each stage run",
    ["model"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
MODEL_SECONDS_PER_AUDIO_MINUTE = Histogram(
    "reelremix_model_seconds_per_audio_minute",
    "Model time per minute of audio (transcribers), for each stage run",
    ["model"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "other"  # a client's made-up verbs stay one series
    REQUEST_SECONDS.labels(route, method, str(status)).observe(seconds)


def observe_stage(stage: str, seconds: float, *, skipped: bool) -> None:
    STAGE_SECONDS.labels(stage, "skipped" if skipped else "succeeded").observe(seconds)


def count_stage_failure(stage: str, *, permanent: bool) -> None:
    STAGE_FAILURES.labels(stage, "permanent" if permanent else "retryable").inc()


def observe_model_per_frame(model: str, seconds: float, frames: int) -> None:
    if frames:
        MODEL_SECONDS_PER_FRAME.labels(model).observe(seconds / frames)


def observe_model_per_audio_minute(model: str, seconds: float, audio_seconds: float) -> None:
    if audio_seconds > 0:
        MODEL_SECONDS_PER_AUDIO_MINUTE.labels(model).observe(seconds / (audio_seconds / 60))


class BrokerCollector:
    """The queues and workers, read from the broker's Redis as Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("reelremix_broker_up", "1 when the broker's Redis answered this scrape")
        client = queues.broker_client()
        try:
            states, workers = queues.queue_states(client), queues.live_workers(client)
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily("reelremix_queue_messages", "Messages waiting in a queue", labels=["queue"])
        age = GaugeMetricFamily(
            "reelremix_queue_oldest_message_age_seconds",
            "How long the oldest waiting message of a queue has waited (0: empty)",
            labels=["queue"],
        )
        for state in states:
            depth.add_metric([state.name], state.depth)
            age.add_metric([state.name], state.oldest_age)
        yield depth
        yield age
        yield GaugeMetricFamily("reelremix_workers", "Worker processes alive", value=workers)


def _registry(*, with_broker: bool) -> CollectorRegistry:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.METRICS_DIR))
    if with_broker:
        registry.register(BrokerCollector())  # type: ignore[arg-type]
    return registry


def exposition() -> bytes:
    """The text /metrics answers: every process's samples of this machine, and the broker's state."""
    return generate_latest(_registry(with_broker=True))


def serve_machine(address: str, port: int) -> tuple[WSGIServer, threading.Thread]:
    """Serve this machine's process samples on address:port (`manage.py serve_metrics`): workers on a
    machine without a web process. The broker's state is left to /metrics, so it is counted once."""
    return start_http_server(port, address, registry=_registry(with_broker=False))


def reset_directory() -> None:
    """Forget the samples of processes that ran before (when a whole machine's stack starts)."""
    shutil.rmtree(settings.METRICS_DIR, ignore_errors=True)
    settings.METRICS_DIR.mkdir(parents=True, exist_ok=True)
