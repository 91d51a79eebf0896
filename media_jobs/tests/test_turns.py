"""Exclusive stages take turns in a worker process: threads that ask for a turn while the limit is reached
wait, the lowest rank first, and a turn is given back however its holder ends."""

import threading
import time

import pytest
from django.test import override_settings

from media_jobs import turns


def _hold_turns(count: int, seconds: float) -> tuple[list[tuple[float, float]], list[int]]:
    """`count` threads each take a turn and hold it `seconds`: when each held it, and who had to wait."""
    held: list[tuple[float, float]] = []
    waited: list[int] = []

    def hold(number: int) -> None:
        with turns.turn(lambda: waited.append(number)):
            began = time.monotonic()
            time.sleep(seconds)
            held.append((began, time.monotonic()))

    threads = [threading.Thread(target=hold, args=(number,), daemon=True) for number in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # in order: the first takes its turn before the others ask
    for thread in threads:
        thread.join(timeout=10)
    return sorted(held), waited


def _most_at_once(held: list[tuple[float, float]]) -> int:
    return max(sum(began <= start < ended for began, ended in held) for start, _ in held)


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=1)
def test_one_at_a_time_the_others_wait_their_turn() -> None:
    held, waited = _hold_turns(3, 0.3)
    assert len(held) == 3
    assert _most_at_once(held) == 1
    assert waited == [1, 2]  # each told once that it waits


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=2)
def test_a_higher_limit_lets_that_many_run_side_by_side() -> None:
    held, waited = _hold_turns(3, 0.3)
    assert _most_at_once(held) == 2 and waited == [2]


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=0)
def test_no_limit_lets_every_one_run_at_once() -> None:
    held, waited = _hold_turns(3, 0.3)
    assert _most_at_once(held) == 3 and waited == []


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=1)
def test_a_turn_is_given_back_when_its_holder_fails_or_is_interrupted_while_waiting() -> None:
    with pytest.raises(RuntimeError), turns.turn(lambda: None):
        raise RuntimeError("the stage failed")

    def interrupted() -> None:  # as Dramatiq's Shutdown reaches a thread waiting for its turn
        raise KeyboardInterrupt

    with turns.turn(lambda: None), pytest.raises(KeyboardInterrupt), turns.turn(interrupted):
        pass
    held, waited = _hold_turns(1, 0.0)  # free again: neither kept its turn
    assert len(held) == 1 and waited == []


def _take_in_turn(ranks: list[int], hold: float, apart: float) -> list[int]:
    """Threads asking for a turn `apart` seconds after one another, with these ranks: the order of turns."""
    order: list[int] = []

    def ask(rank: int) -> None:
        with turns.turn(lambda: None, rank):
            order.append(rank)
            time.sleep(hold)

    threads = [threading.Thread(target=ask, args=(rank,), daemon=True) for rank in ranks]
    for thread in threads:
        thread.start()
        time.sleep(apart)
    for thread in threads:
        thread.join(timeout=10)
    return order


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=1)
def test_stages_asking_together_take_their_turns_lowest_rank_first() -> None:
    # A job's model stages are queued together: the one its picture waits for (rank 0) goes first, though it
    # asked last, within the grace the others give it.
    assert _take_in_turn([2, 1, 0], hold=0.1, apart=0.05) == [0, 1, 2]


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=1)
def test_a_stage_of_a_lower_rank_goes_next_even_when_it_asked_later() -> None:
    # Rank 0 holds the turn; rank 2 waits for it; rank 1 asks after that, and still goes before rank 2.
    assert _take_in_turn([0, 2, 1], hold=0.6, apart=0.15) == [0, 1, 2]


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=1)
def test_a_stage_alone_waits_no_longer_than_the_grace() -> None:
    began = time.monotonic()
    with turns.turn(lambda: pytest.fail("a free turn is not waited for"), 2):
        waited = time.monotonic() - began
    assert turns.GRACE_SECONDS - 0.05 <= waited < turns.GRACE_SECONDS + 0.2


@override_settings(EXCLUSIVE_STAGES_AT_ONCE=0)
def test_without_a_limit_no_stage_waits_for_a_rank() -> None:
    began = time.monotonic()
    with turns.turn(lambda: pytest.fail("no limit: nothing to wait for"), 2):
        assert time.monotonic() - began < 0.05
