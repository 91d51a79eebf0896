"""Recaps from the outside in: a request is checked and paid for before a job starts; the job's stages
(recaps.stages) find the shots, align the script and render; a user's shot swap and the order to render
come through here too. Every write to Recap and RecapScene happens here or in recaps.aligning (the
alignment stage) and recaps.rendering (the render stage)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction

from billing import quota
from billing.models import Plan
from clips.media.types import ASPECTS
from media_jobs import artifacts, claims, jobs
from media_jobs.media.probe import probe_audio
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Job, Video
from moderation.services import require_reusable
from moderation.stages import TRANSCRIPT
from recaps import cutting
from recaps.errors import RecapRefusal, SourceNotReady
from recaps.footage import footage_shots, sources_of
from recaps.media.narration import split_narration
from recaps.media.types import CARD_SECONDS
from recaps.models import Recap, RecapScene, RecapSource
from recaps.script import ScriptScene, parse_script, require_same_language
from tenants.context import current_schema_name

RECAP, RECAP_ALIGN, RECAP_RENDER = "recap", "recap_align", "recap_render"  # job kinds
MAX_RUN_LIMITS = (2.0, 30.0)  # seconds: the rights guard's setting, per recap
DEFAULT_MAX_RUN = 10.0
MAX_NARRATION_BYTES = 200 * 1024 * 1024
MAX_NARRATION_SECONDS = 60 * 60.0
MAX_CARD_CHARS = 200
MAX_SOURCES = 20  # videos played one after another as one source (a season's episodes)


@dataclass(frozen=True)
class RecapOptions:
    title: str = ""
    max_run: float = DEFAULT_MAX_RUN
    captions: bool = True
    intro: str = ""
    outro: str = ""
    aspect: str = "16:9"


def check_options(options: RecapOptions) -> RecapOptions:
    """The options as given, or a RecapRefusal that says which is wrong and why."""
    low, high = MAX_RUN_LIMITS
    if not low <= options.max_run <= high:
        message = f"max_run must be between {low:g} and {high:g} seconds (got {options.max_run:g})."
        raise RecapRefusal("invalid_options", message)
    if options.aspect not in ASPECTS:
        message = f"aspect must be one of {', '.join(ASPECTS)} (got {options.aspect!r})."
        raise RecapRefusal("invalid_options", message)
    for name in ("intro", "outro", "title"):
        if len(getattr(options, name)) > MAX_CARD_CHARS:
            raise RecapRefusal("invalid_options", f"{name} must be at most {MAX_CARD_CHARS} characters.")
    return options


def require_ready_source(video: Video) -> None:
    """A recap reuses the source's footage: only once it is moderated, and never while a moderator has yet
    to decide what in it may be shown."""
    require_reusable(video, "make a recap", "recapped", RecapRefusal, SourceNotReady, decided=True)


def speech_of(video: Video) -> str:
    transcript = artifacts.latest_json(video, TRANSCRIPT) or {"words": []}
    return " ".join(str(word["text"]) for word in transcript["words"])


def check_narration(path: Path, scenes: int) -> float:
    """The narration's duration, or UnplayableMedia saying why the file will not do: not audio, too long,
    silent, or with fewer pauses than the script has scenes (it is split at its pauses, a part a scene)."""
    if path.stat().st_size > MAX_NARRATION_BYTES:
        raise UnplayableMedia(f"The narration is over the {MAX_NARRATION_BYTES // 2**20} MB limit.")
    duration = probe_audio(path, MAX_NARRATION_SECONDS)
    split_narration(path, scenes)
    return duration


def estimated_seconds(
    scenes: list[ScriptScene], narration_seconds: float | None, options: RecapOptions
) -> float:
    """How long the recap will be: the narration's length, or the time to read each scene's caption."""
    body = narration_seconds if narration_seconds is not None else sum(s.reading_seconds for s in scenes)
    return body + CARD_SECONDS * (bool(options.intro) + bool(options.outro))


def check_sources(videos: Sequence[Video]) -> None:
    """Several videos make one source when each is ready, none is given twice, and they share a frame
    rate (a scene's cuts are joined as they are rendered)."""
    if len(videos) > MAX_SOURCES:
        raise RecapRefusal("too_many_videos", f"A recap draws from at most {MAX_SOURCES} videos.")
    if len({video.pk for video in videos}) != len(videos):
        raise RecapRefusal("repeated_video", "A video is given twice: list each video of the source once.")
    for video in videos:
        require_ready_source(video)
    rates = sorted({f"{video.fps or 0.0:.2f}" for video in videos})
    if len(rates) > 1:
        message = f"The videos of one recap must share their frame rate (got {', '.join(rates)} fps)."
        raise RecapRefusal("mixed_frame_rates", message)


@transaction.atomic
def do_start_recap(
    video: Video, user: User | None, script: str, options: RecapOptions, render: bool = True,
    narration: Path | None = None, narration_name: str = "", more_videos: Sequence[Video] = (),
) -> Recap:  # fmt: skip
    """Check the plan, the sources (`video`, then `more_videos` after it, as one source), the script and
    the narration; reserve the recap's minutes when it is to be rendered straight away; queue the job that
    finds the footage (and renders, with `render`)."""
    schema = current_schema_name()
    quota.require_feature(schema, Plan.Feature.RECAP)
    options = check_options(options)
    videos = [video, *more_videos]
    check_sources(videos)
    scenes = parse_script(script)
    require_same_language(" ".join(scene.text for scene in scenes), " ".join(map(speech_of, videos)))
    narration_seconds = check_narration(narration, len(scenes)) if narration is not None else None
    reserved = estimated_seconds(scenes, narration_seconds, options) if render else 0.0
    reservation = quota.do_reserve_minutes(schema, reserved, 0)
    job = jobs.create_job(RECAP if render else RECAP_ALIGN, video, user)
    recap = Recap(
        video=video, title=options.title, script=script, narration_seconds=narration_seconds,
        max_run=options.max_run, captions=options.captions, intro=options.intro, outro=options.outro,
        aspect=options.aspect, render_when_aligned=render, job=job, created_by=user,
    )  # fmt: skip
    if narration is not None:
        with narration.open("rb") as handle:
            recap.narration.save(Path(narration_name or narration.name).name, File(handle), save=False)
    recap.save()
    offsets = [0.0, *itertools.accumulate(v.duration for v in videos)]
    RecapSource.objects.bulk_create(
        RecapSource(recap=recap, video=v, position=k, offset=offsets[k]) for k, v in enumerate(videos)
    )
    RecapScene.objects.bulk_create(
        RecapScene(
            recap=recap, index=k, heading=scene.heading[:200], text=scene.text, length=scene.reading_seconds
        )
        for k, scene in enumerate(scenes)
    )
    quota.attach_job(reservation, job.pk)
    claims.create_stages(job)
    return recap


def recap_for_job(job: Job) -> Recap:
    return Recap.objects.select_related("video").get(job=job)


@transaction.atomic
def do_pin_shots(scene: RecapScene, shot_indices: list[int]) -> RecapScene:
    """The user's choice of footage for a scene: these shots, in this order, first. The recap's cuts are
    laid out again (a run's continuity crosses scenes), then it waits to be rendered."""
    recap = Recap.objects.select_for_update().get(pk=scene.recap_id)
    if recap.state not in (Recap.State.REVIEW, Recap.State.READY) or _job_running(recap):
        raise SourceNotReady(
            "recap_busy", "This recap is being aligned or rendered; swap shots once it is done."
        )
    count = len(footage_shots(recap))
    unknown = [number for number in shot_indices if not 0 <= number < count]
    if not shot_indices or unknown or len(set(shot_indices)) != len(shot_indices):
        raise RecapRefusal(
            "invalid_shots",
            f"shots must list distinct shots of the recap's footage, 0 to {count - 1} (got {shot_indices}).",
        )
    scene.shots, scene.pinned = shot_indices, True
    scene.save(update_fields=["shots", "pinned"])
    lay_out_cuts(recap)
    return RecapScene.objects.get(pk=scene.pk)


def lay_out_cuts(recap: Recap) -> None:
    """Every scene's cuts, in order, from its pinned shots or its anchor, within the rights guard."""
    shots = [cutting.Shot(shot.number, shot.start, shot.end) for shot in footage_shots(recap)]
    run = cutting.Run()
    scenes = list(recap.scenes.all())
    for scene in scenes:
        first = _shot_at(shots, scene.anchor_start or 0.0)
        order = cutting.shot_order(shots, first, scene.shots if scene.pinned else ())
        start_at = None if scene.pinned else scene.anchor_start
        cuts = cutting.fill_scene(order, scene.length, recap.max_run, run, start_at=start_at)
        scene.cuts = [[cut.start, cut.end] for cut in cuts]
        scene.shots = scene.shots if scene.pinned else _shots_of(shots, cuts)
    RecapScene.objects.bulk_update(scenes, ["cuts", "shots"])


def _shot_at(shots: list[cutting.Shot], t: float) -> int:
    return next((shot.index for shot in reversed(shots) if shot.start <= t + cutting.EPSILON), 0)


def _shots_of(shots: list[cutting.Shot], cuts: list[cutting.Cut]) -> list[int]:
    return list(dict.fromkeys(_shot_at(shots, cut.start) for cut in cuts))


def _job_running(recap: Recap) -> bool:
    return recap.job is not None and recap.job.state in (Job.State.QUEUED, Job.State.RUNNING)


@transaction.atomic
def do_render_recap(recap: Recap, user: User | None) -> Job:
    """Render an aligned recap (again, after a swap): its minutes reserved, a render job queued."""
    recap = Recap.objects.select_for_update().get(pk=recap.pk)
    schema = current_schema_name()
    quota.require_feature(schema, Plan.Feature.RECAP)
    if recap.state not in (Recap.State.REVIEW, Recap.State.READY) or _job_running(recap):
        raise SourceNotReady("recap_busy", "This recap is still being aligned or rendered.")
    for source in sources_of(recap):
        require_ready_source(source.video)
    seconds = sum(recap.scenes.values_list("length", flat=True))
    reservation = quota.do_reserve_minutes(
        schema, seconds + CARD_SECONDS * (bool(recap.intro) + bool(recap.outro)), 0
    )
    job = jobs.create_job(RECAP_RENDER, recap.video, user)
    recap.job, recap.state = job, Recap.State.RENDERING
    recap.save(update_fields=["job", "state", "updated_at"])
    quota.attach_job(reservation, job.pk)
    claims.create_stages(job)
    return job
