"""The Dramatiq middleware of operations. `MessageContext`: a message sent while a request (or another
message) is being handled carries its request id in its options; the worker binds that id, the tenant (the
first argument of every actor) and the job (the second, for actors declared `carries_job=True`) to the
log lines of the message, and logs one line when it is done. `WorkerPresence`: each worker process says
every WORKER_PRESENCE_SECONDS that it is alive, for the worker count of /metrics."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

import dramatiq
from django.conf import settings
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware
from redis.exceptions import RedisError

from reelremix.observability import context, queues

logger = logging.getLogger("reelremix.messages")
REQUEST_ID_OPTION = "request_id"


class MessageContext(Middleware):
    actor_options = {"carries_job"}

    def __init__(self) -> None:
        self._started = threading.local()  # per worker thread: when its current message started

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        request_id = context.current().request_id
        if request_id and REQUEST_ID_OPTION not in message.options:
            message.options[REQUEST_ID_OPTION] = request_id

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        args = message.args
        carries_job = broker.get_actor(message.actor_name).options.get("carries_job", False)
        context.bind(
            request_id=message.options.get(REQUEST_ID_OPTION),
            tenant=args[0] if args and isinstance(args[0], str) else None,
            job_id=args[1] if carries_job and len(args) > 1 else None,
        )
        self._started.at = time.perf_counter()

    def after_process_message(
        self, broker: dramatiq.Broker, message: MessageProxy, *, result: Any = None, exception: Any = None
    ) -> None:
        seconds = time.perf_counter() - getattr(self._started, "at", time.perf_counter())
        outcome = "done" if exception is None else f"raised {type(exception).__name__}"
        logger.info(
            "%s %s in %.2f s", message.actor_name, outcome, seconds,
            extra={"actor": message.actor_name, "message_id": message.message_id,
                   "duration_ms": round(seconds * 1000, 1)},
        )  # fmt: skip
        context.clear()

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        context.clear()


class WorkerPresence(Middleware):
    def __init__(self) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}"  # in the forked worker process
        self._stop = threading.Event()  # each boot's own: a thread of a stopped worker never resumes
        threading.Thread(
            target=self._say_alive, args=(self._stop,), name="worker-presence", daemon=True
        ).start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        self._stop.set()
        with contextlib.suppress(RedisError):  # else the entry expires by itself
            queues.say_worker_gone(queues.broker_client(), self.name)

    def _say_alive(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                queues.say_worker_alive(queues.broker_client(), self.name)
            except RedisError as error:
                logger.warning("Could not tell the broker this worker is alive: %s", error)
            stop.wait(settings.WORKER_PRESENCE_SECONDS)
