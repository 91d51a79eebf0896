"""The render stage's work: the recap's scenes as a RecapSpec (their cuts, captions or narration, the
source's current censor plan), rendered, kept, and its minutes settled to the recap's length."""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction

from billing import quota
from clips.media.render import ClipReport, extract_thumbnail
from clips.media.types import ASPECTS
from clips.rendering import VideoFacts
from media_jobs import artifacts
from media_jobs.models import Job
from media_jobs.registry import Progress
from recaps import cutting, services
from recaps.footage import footage_seconds, sources_of
from recaps.media.render import render_recap
from recaps.media.scenes import RenderedScene
from recaps.media.types import Cut, RecapScene, RecapSpec, Source
from recaps.models import Recap
from recaps.signals import recap_ready
from tenants.context import current_schema_name


def spec_of(recap: Recap) -> RecapSpec:
    """The recap's scenes as the renderer takes them: cuts, and a caption or a narration span each."""
    width, height = ASPECTS[recap.aspect]
    narrated = bool(recap.narration)
    scenes = tuple(
        RecapScene(
            cuts=tuple(Cut(start, end) for start, end in scene.cuts),
            caption="" if narrated or not recap.captions else scene.text,
            narration=(scene.narration_start, scene.narration_end)
            if narrated and scene.narration_start is not None and scene.narration_end is not None
            else None,
        )
        for scene in recap.scenes.all()
    )
    return RecapSpec(scenes=scenes, width=width, height=height, intro=recap.intro, outro=recap.outro)


def sources_for(recap: Recap, stack: ExitStack) -> list[Source]:
    """The recap's videos as the renderer takes them: a local file each (kept open by `stack`), with the
    faces the detector saw (each cut's crop follows them) and its censor plan as it stands now."""
    sources = []
    for row in sources_of(recap):
        facts = VideoFacts(row.video)
        path = stack.enter_context(artifacts.local_path(row.video.original))
        sources.append(Source(path, facts.info, row.offset, facts.faces, facts.plan.blur, facts.plan.audio))
    return sources


class StoredScenes:
    """Rendered scenes kept in the site's storage (local disk or S3) under the recap's work folder while
    it renders, so that whichever worker takes the render over after a crash renders only what is missing.
    A scene counts as kept once its reports are saved, which happens after its file."""

    def __init__(self, recap: Recap) -> None:
        self.storage = recap.file.storage
        self.folder = f"{current_schema_name()}/recaps/work/{recap.uid}"

    def fetch(self, key: str, to: Path) -> tuple[ClipReport, ...] | None:
        video, reports = f"{self.folder}/{key}.mov", f"{self.folder}/{key}.json"
        if not self.storage.exists(reports):
            return None
        with self.storage.open(video, "rb") as kept, to.open("wb") as copy:
            shutil.copyfileobj(kept, copy)
        with self.storage.open(reports, "rb") as saved:
            return tuple(ClipReport(**report) for report in json.load(saved))

    def keep(self, key: str, scene: RenderedScene) -> None:
        self._replace(f"{self.folder}/{key}.mov", scene.path.read_bytes())
        self._replace(f"{self.folder}/{key}.json", json.dumps([asdict(r) for r in scene.cuts]).encode())

    def _replace(self, name: str, content: bytes) -> None:
        self.storage.delete(name)  # a half-kept scene of a try that died between the two saves
        self.storage.save(name, ContentFile(content))

    def clear(self) -> None:
        try:
            _, names = self.storage.listdir(self.folder)
        except FileNotFoundError:
            return
        for name in names:
            self.storage.delete(f"{self.folder}/{name}")


def do_render_job_recap(job: Job, progress: Progress) -> dict[str, Any]:
    """Render the job's recap and keep it; the reservation is settled to its length. Scenes are kept as
    they render: a try after a crash renders only the scenes still missing."""
    recap = services.recap_for_job(job)
    store = StoredScenes(recap)
    spec = spec_of(recap)
    every_cut = [cut for scene in spec.scenes for cut in scene.cuts]
    reuse = cutting.reuse_of(every_cut, footage_seconds(recap))
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="recap-") as scratch:
        sources = sources_for(recap, stack)
        narration = stack.enter_context(artifacts.local_path(recap.narration)) if recap.narration else None
        out, thumb = Path(scratch) / "recap.mp4", Path(scratch) / "thumb.jpg"
        report = render_recap(
            sources, spec, narration, out, on_progress=lambda done: progress(done, "Rendering the recap"),
            store=store,
        )  # fmt: skip
        extract_thumbnail(out, min(1.0, report.duration / 2), thumb)
        figures = {**asdict(report), "reuse": asdict(reuse), "max_run": recap.max_run}
        _keep(recap, out, thumb, report.duration, figures)
    store.clear()
    quota.do_settle_seconds(current_schema_name(), job.pk, report.duration)
    return {
        "duration": round(report.duration, 2), "cuts": reuse.cuts, "source_share": reuse.share,
        "reused_scenes": report.reused_scenes,
    }  # fmt: skip


@transaction.atomic
def _keep(recap: Recap, video: Path, thumbnail: Path, duration: float, report: dict[str, Any]) -> None:
    recap = Recap.objects.select_for_update().get(pk=recap.pk)
    recap.file.delete(save=False)
    recap.thumbnail.delete(save=False)
    recap.version += 1
    with video.open("rb") as video_file, thumbnail.open("rb") as thumb_file:
        recap.file.save("recap.mp4", File(video_file), save=False)
        recap.thumbnail.save("recap.jpg", File(thumb_file), save=False)
    recap.duration, recap.report, recap.state = round(duration, 3), report, Recap.State.READY
    recap.save()
    recap_ready.send(sender=Recap, recap=recap)
