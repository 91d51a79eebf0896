"""A worker killed mid-render (SIGKILL: no clean-up, no hand-back): recovery gives the render stage to the
other worker, which takes the scenes kept in storage and renders only the rest; the recap is complete, as
long as an undisturbed render, and the work folder is emptied."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import av
import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from media_jobs.models import Job, Stage
from media_jobs.tests.workers import WorkerProcess, wait_for
from recaps import services
from recaps.models import Recap, RecapScene, RecapSource, Shot
from recaps.stages import RENDER
from upscale.tests.factories import make_source, moderated_video_of

SCENES = 4


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return make_source(
        tmp_path_factory.mktemp("recap-resume") / "source.mp4", size="320x180", frames=300, fps=25
    )


def _aligned(world, source: Path) -> Recap:
    """A recap as alignment leaves it: four captioned scenes of two cuts each (of the 12 s source), 16:9
    (1920x1080)."""
    video = moderated_video_of(world.acme, source, world.alice.user)
    Shot.objects.create(video=video, index=0, start=0.0, end=video.duration)
    recap = Recap.objects.create(video=video, script="-", state=Recap.State.REVIEW, captions=True)
    RecapSource.objects.create(recap=recap, video=video, position=0, offset=0.0)
    RecapScene.objects.bulk_create(
        RecapScene(recap=recap, index=k, text=f"Scene number {k + 1} of the story.", length=2.6,
                   cuts=[[k * 2.8, k * 2.8 + 1.3], [k * 2.8 + 1.4, k * 2.8 + 2.7]])
        for k in range(SCENES)
    )  # fmt: skip
    return recap


def _duration(path: str) -> float:
    with av.open(path) as container:
        return float(container.duration or 0) / av.time_base


def _kept(recap: Recap) -> int:
    from tenants.context import current_schema_name

    folder = f"{current_schema_name()}/recaps/work/{recap.uid}"
    try:
        return sum(name.endswith(".json") for name in default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return 0


def test_a_killed_render_resumes_with_the_scenes_already_kept(committed_db, workers, source, tmp_path):
    world = committed_db
    with schema_context(world.acme.schema_name):
        workers += [WorkerProcess(tmp_path / f"w{i}.log") for i in range(2)]
        recap = _aligned(world, source)
        job = services.do_render_recap(recap, world.alice.user)
        wait_for(lambda: _kept(recap) >= 1 or Job.objects.get(pk=job.pk).is_finished, 180, "a scene kept")
        assert not Job.objects.get(pk=job.pk).is_finished, Job.objects.get(pk=job.pk).error
        stage = Stage.objects.get(job=job, name=RENDER)
        assert stage.claimed_by, "the render stage is claimed while it runs"
        os.kill(int(stage.claimed_by.rsplit(":", 1)[1]), signal.SIGKILL)
        wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, 240, "the render to finish")
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED, (job.error, [w.log() for w in workers])
        render = job.stages.get(name=RENDER)
        assert render.attempts == 2 and 1 <= render.metrics["reused_scenes"] < SCENES
        recap.refresh_from_db()
        assert recap.state == Recap.State.READY and recap.report["reused_scenes"] >= 1
        expected = SCENES * 2.6 - (SCENES - 1) * 0.4
        assert _duration(recap.file.path) == pytest.approx(expected, abs=0.1)
        assert _kept(recap) == 0
