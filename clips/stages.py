"""The clips job kinds and their stages (filled in as the app grows)."""

from __future__ import annotations

from media_jobs.registry import JobKind, StageSpec

JOB_KINDS: list[JobKind] = []
STAGES: list[StageSpec] = []
