"""The stage registry: every app declares its job kinds and stages in its own `stages.py` and registers
them from its `AppConfig.ready()`; the engine runs them by name and knows no app above it.

A job kind lists the stages it runs. A stage of a higher app can also join a kind declared below it
(`joins`): search's `index` joins moderation's job. Order comes from `after` and `before`, both read
within one job: a stage waits only for the stages its job has."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

# Queue -> the word in the names of its stage actors. "default": CPU work; "gpu": model work.
QUEUES = {"default": "cpu", "gpu": "gpu"}


class Progress(Protocol):
    """What a stage function reports through: the fraction of it done (0..1) and what it is doing."""

    def __call__(self, fraction: float, description: str = "") -> None: ...


@dataclass
class StageOutcome:
    """What a stage function returns: figures for the job page and the benchmark."""

    metrics: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False
    job_result: Any = None  # of the job's last stage: the job's result, recorded as the job succeeds


# (job, progress) -> outcome. The job is a media_jobs.models.Job; the registry names no model, because the
# models read their labels from it.
StageFunction = Callable[[Any, Progress], StageOutcome]


@dataclass(frozen=True)
class StageSpec:
    """One stage: what runs it (queue, function), what it waits for, its share of the progress bar."""

    name: str
    label: str  # what a user reads on the job page ("Transcribe speech")
    function: StageFunction
    queue: str = "default"
    after: tuple[str, ...] = ()  # stages this one waits for, when its job has them
    before: tuple[str, ...] = ()  # stages that wait for this one, when its job has them
    weight: int = 10
    joins: tuple[str, ...] = ()  # kinds declared elsewhere that also run this stage
    # Keeps every core busy on its own (a model stage): takes turns with the other exclusive stages of
    # its worker process (media_jobs.turns).
    exclusive: bool = False


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the stages it runs. `on_upload`: the kind every accepted upload starts (one)."""

    name: str
    label: str
    stages: tuple[str, ...] = ()
    on_upload: bool = False


class RegistryError(Exception):
    """A registration that contradicts another (a name taken twice, an unknown queue)."""


_kinds: dict[str, JobKind] = {}
_stages: dict[str, StageSpec] = {}


def register(kinds: Iterable[JobKind] = (), stages: Iterable[StageSpec] = ()) -> None:
    """Add an app's job kinds and stages; called once from its AppConfig.ready()."""
    for kind in kinds:
        if _kinds.get(kind.name, kind) != kind:
            raise RegistryError(f"job kind {kind.name!r} is registered twice")
        _kinds[kind.name] = kind
    for stage in stages:
        if _stages.get(stage.name, stage) != stage:
            raise RegistryError(f"stage {stage.name!r} is registered twice")
        if stage.queue not in QUEUES:
            raise RegistryError(
                f"stage {stage.name!r}: unknown queue {stage.queue!r} (one of {tuple(QUEUES)})"
            )
        _stages[stage.name] = stage


def unregister(kinds: Iterable[str] = (), stages: Iterable[str] = ()) -> None:
    """Take registrations out again (tests that declare throwaway kinds)."""
    for name in kinds:
        _kinds.pop(name, None)
    for name in stages:
        _stages.pop(name, None)


def stage(name: str) -> StageSpec:
    return _stages[name]


def kind_label(name: str) -> str:
    found = _kinds.get(name)
    return found.label if found else name


def stage_label(name: str) -> str:
    found = _stages.get(name)
    return found.label if found else name


def upload_kind() -> str:
    """The kind of job an accepted upload starts."""
    found = [kind.name for kind in _kinds.values() if kind.on_upload]
    if len(found) != 1:
        raise RegistryError(f"exactly one job kind must run on upload; registered: {found}")
    return found[0]


def inputs(name: str, names: Iterable[str]) -> list[str]:
    """The stages of a job with stages `names` that stage `name` waits for."""
    present = set(names)
    waits = set(_stages[name].after) | {other for other in present if name in _stages[other].before}
    return [other for other in _ordered_names(present) if other in waits]


def stages_of(kind_name: str) -> tuple[str, ...]:
    """The stages a job of this kind runs, each after the stages it waits for (declaration order else)."""
    declared = _kinds[kind_name].stages
    joined = tuple(s.name for s in _stages.values() if kind_name in s.joins and s.name not in declared)
    return _topological(declared + joined)


def turn_rank(kind_name: str, name: str) -> int:
    """Where an exclusive stage stands among its kind's exclusive stages (0 first): the order of turns."""
    exclusive = [other for other in stages_of(kind_name) if _stages[other].exclusive]
    return exclusive.index(name) if name in exclusive else 0


def _ordered_names(names: set[str]) -> list[str]:
    return [name for name in _stages if name in names]


def _topological(names: tuple[str, ...]) -> tuple[str, ...]:
    ordered: list[str] = []
    waiting = list(names)
    while waiting:
        ready = next((n for n in waiting if all(dep in ordered for dep in inputs(n, names))), None)
        if ready is None:
            raise RegistryError(f"stages wait for each other in a circle: {waiting}")
        ordered.append(ready)
        waiting.remove(ready)
    return tuple(ordered)


def problems() -> list[str]:
    """What is wrong with the registrations as a whole, for the system check (empty when sound)."""
    found = []
    for spec in _stages.values():
        for other in (*spec.after, *spec.before):
            if other not in _stages:
                found.append(f"stage {spec.name!r} refers to {other!r}, which no app registers")
        found += [f"stage {spec.name!r} joins unknown job kind {k!r}" for k in spec.joins if k not in _kinds]
    for job_kind in _kinds.values():
        unknown = [name for name in job_kind.stages if name not in _stages]
        if unknown:
            found.append(f"job kind {job_kind.name!r} runs unregistered stages {unknown}")
            continue
        try:
            stages_of(job_kind.name)
        except RegistryError as error:
            found.append(f"job kind {job_kind.name!r}: {error}")
    try:
        upload_kind()
    except RegistryError as error:
        found.append(str(error))
    return found
