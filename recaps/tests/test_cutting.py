"""Footage for a scene: enough cuts to fill it, never a continuous run of source over the limit."""

from __future__ import annotations

import itertools
import random

import pytest

from recaps.cutting import Run, Shot, fill_scene, reuse_of, shot_order


def _shots(bounds: list[float]) -> list[Shot]:
    return [Shot(i, a, b) for i, (a, b) in enumerate(itertools.pairwise(bounds))]


def test_it_fills_a_scene_from_its_anchor_with_one_cut_per_shot():
    shots = _shots([0, 4, 9, 20, 30])
    cuts = fill_scene(shot_order(shots, first=1), 12.0, 10.0, Run(), start_at=5.0)
    assert [(c.start, c.end) for c in cuts] == [(5.0, 9.0), (9.0, 15.0), (16.0, 18.0)]
    assert reuse_of(cuts, 30).longest_run == 10.0  # 5..15 is continuous: then it jumps


def test_pinned_shots_come_first_then_those_after_them():
    shots = _shots([0, 3, 6, 9, 12])
    order = shot_order(shots, first=0, pinned=[2])
    assert [s.index for s in order] == [2, 3, 0, 1]
    assert fill_scene(order, 4.0, 10.0, Run())[0].start == 6.0


def test_a_scene_longer_than_the_video_reuses_footage():
    cuts = fill_scene(_shots([0, 5]), 12.0, 10.0, Run())
    assert sum(c.duration for c in cuts) == pytest.approx(12.0)
    assert all(0 <= c.start < c.end <= 5 for c in cuts)


@pytest.mark.parametrize("seed", range(20))
def test_no_continuous_run_is_ever_longer_than_the_limit(seed):
    rng = random.Random(seed)
    bounds = [0.0]
    while bounds[-1] < 120:
        bounds.append(round(bounds[-1] + rng.choice([0.3, 1.5, 4.0, 9.0, 25.0]) * rng.random() + 0.2, 3))
    shots, run, every = _shots(bounds), Run(), []
    max_run = rng.choice([3.0, 5.0, 10.0])
    for _ in range(6):
        length = rng.uniform(2.5, 30.0)
        cuts = fill_scene(shot_order(shots, rng.randrange(len(shots))), length, max_run, run)
        assert sum(c.duration for c in cuts) == pytest.approx(length, abs=0.01)
        every += cuts
    report = reuse_of(every, bounds[-1])
    assert report.longest_run <= max_run + 1e-6
    assert 0 < report.share <= 1
    assert all(any(s.start <= c.start and c.end <= s.end for s in shots) for c in every)  # inside one shot


def test_reuse_counts_each_second_of_source_once():
    shots = _shots([0, 10, 20])
    cuts = fill_scene(shots, 8, 10, Run()) + fill_scene(shots, 8, 10, Run())
    report = reuse_of(cuts, 20)
    assert report.source_seconds == pytest.approx(8.0)
    assert report.share == pytest.approx(0.4)
