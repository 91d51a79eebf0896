from __future__ import annotations

import threading

from gpu_worker.circuit import CircuitBreaker, CircuitState


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def open_breaker(clock: Clock) -> CircuitBreaker:
    breaker = CircuitBreaker(failure_threshold=3, cooldown=30.0, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    return breaker


def test_it_stays_closed_below_the_threshold() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown=30.0, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow()


def test_it_counts_only_consecutive_failures() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown=30.0, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_it_opens_after_the_threshold_and_refuses_during_the_cooldown() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    assert breaker.state is CircuitState.OPEN
    clock.now += 29.9
    assert not breaker.allow()


def test_it_lets_one_trial_through_after_the_cooldown() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30.0
    assert breaker.allow()
    assert breaker.state is CircuitState.HALF_OPEN
    assert not breaker.allow()


def test_it_closes_when_the_trial_succeeds() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30.0
    breaker.allow()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allow()


def test_it_reopens_for_a_fresh_cooldown_when_the_trial_fails() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30.0
    breaker.allow()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    clock.now += 29.0
    assert not breaker.allow()
    clock.now += 1.0
    assert breaker.allow()


def test_it_allows_a_new_trial_when_one_never_reports() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30.0
    assert breaker.allow()
    clock.now += 30.0
    assert breaker.allow()


def test_it_lets_exactly_one_of_many_threads_try() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30.0
    start = threading.Barrier(16)
    allowed: list[bool] = []

    def ask() -> None:
        start.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1
