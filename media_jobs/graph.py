"""The moderation pipeline as a graph of stages: which queue runs each, what it waits for, its share of
the progress bar, and the stages each kind of job has."""

from __future__ import annotations

from dataclasses import dataclass

from media_jobs.models import Job, Stage

Name = Stage.Name


@dataclass(frozen=True)
class StageSpec:
    queue: str  # "default" (cpu) or "gpu"
    after: tuple[str, ...]
    weight: int  # share of the job's progress bar


GRAPH: dict[str, StageSpec] = {
    Name.EXTRACT: StageSpec("default", (), 15),
    Name.DETECT: StageSpec("gpu", (Name.EXTRACT,), 30),
    Name.TRANSCRIBE: StageSpec("gpu", (Name.EXTRACT,), 25),
    Name.ANALYZE: StageSpec("default", (Name.DETECT, Name.TRANSCRIBE), 5),
    Name.RENDER: StageSpec("default", (Name.ANALYZE,), 20),
    Name.INDEX: StageSpec("gpu", (Name.ANALYZE,), 5),
    Name.FINALIZE: StageSpec("default", (Name.RENDER, Name.INDEX), 5),
}

STAGES_OF_KIND: dict[str, tuple[str, ...]] = {
    Job.Kind.MODERATION: tuple(GRAPH),
    Job.Kind.RENDER: (Name.RENDER, Name.FINALIZE),  # the analysis is there: censor again after a decision
}


def inputs(name: str, names: tuple[str, ...]) -> list[str]:
    """The stages of this job that `name` waits for (stages a job does not have are not waited for)."""
    return [dep for dep in GRAPH[name].after if dep in names]
