"""A circuit breaker for a remote service, shared by the threads of one worker process."""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable


class CircuitState(enum.StrEnum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls are refused until the cooldown has passed
    HALF_OPEN = "half_open"  # one trial call is under way; its outcome closes or reopens the circuit


class CircuitBreaker:
    """Opens after `failure_threshold` failures in a row; after `cooldown` seconds one trial may pass."""

    def __init__(
        self, failure_threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._since = 0.0  # when the circuit opened, or when the current trial began

    @property
    def state(self) -> CircuitState:
        """The current state; an open circuit stays open until a caller asks to go ahead."""
        with self._lock:
            return self._state

    def allow(self) -> bool:
        """Whether a call may go ahead now; when it returns True the caller must report the outcome."""
        with self._lock:
            if self._state is CircuitState.CLOSED:
                return True
            # A trial whose caller never reported back (it died) must not keep the circuit shut for good.
            if self._clock() - self._since < self.cooldown:
                return False
            self._state = CircuitState.HALF_OPEN
            self._since = self._clock()
            return True

    def record_success(self) -> None:
        """A call went through: the circuit closes and the failure count restarts."""
        with self._lock:
            self._state = CircuitState.CLOSED
            self._failures = 0

    def record_failure(self) -> None:
        """A call failed: the circuit opens at the threshold, or at once when it was a trial."""
        with self._lock:
            self._failures += 1
            if self._state is CircuitState.HALF_OPEN or self._failures >= self.failure_threshold:
                self._state = CircuitState.OPEN
                self._since = self._clock()
