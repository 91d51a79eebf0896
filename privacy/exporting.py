"""What a tenant's export holds, and the zip it is written to: one JSON file per table (rows as the
database has them; segments without their vectors) and `media.json`, signed links to every stored media
file that open until the export expires (`media_jobs.links`)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.urls import reverse

from billing.models import UsageEntry
from clips.models import Clip, Rendition
from media_jobs.links import signed
from media_jobs.models import Artifact, Job, Video
from moderation.models import Case, Decision, Flag
from recaps.models import Recap
from search.models import Segment
from tenants.context import current_schema_name
from tenants.models import Tenant

NOT_EXPORTED = {"embedding", "image_embedding", "search_vector"}  # derived numbers, rebuilt by reindexing


def rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """The rows of `queryset` as plain values, each concrete column by its database name."""
    model: type[Model] = queryset.model
    names = [f.attname for f in model._meta.concrete_fields if f.name not in NOT_EXPORTED]
    return list(queryset.order_by("pk").values(*names))


def tenant_tables() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every table of the export with its file name, read one at a time (one in memory at a time)."""
    tenant = Tenant.objects.get(schema_name=current_schema_name())
    tables: dict[str, QuerySet[Any]] = {
        "videos": Video.objects.all(),
        "jobs": Job.objects.all(),
        "cases": Case.objects.all(),
        "flags": Flag.objects.all(),
        "decisions": Decision.objects.all(),
        "segments": Segment.objects.all(),
        "usage": UsageEntry.objects.filter(tenant=tenant),
        "clips": Clip.objects.all(),
        "recaps": Recap.objects.all(),
    }
    for name, queryset in tables.items():
        yield name, rows(queryset)


def media_links(seconds: int) -> list[dict[str, Any]]:
    """A signed link (a path on the tenant's site) to each stored media file, valid for `seconds`."""
    return list(_media(seconds))


def _media(seconds: int) -> Iterator[dict[str, Any]]:
    def link(name: str, *args: object) -> str:
        return signed(reverse(name, args=args), seconds)

    for video in Video.objects.order_by("pk"):
        yield {"video": video.pk, "file": "original", "link": link("video_file", video.pk, "original")}
        if video.artifacts.filter(kind=Artifact.Kind.CENSORED).exists():
            yield {"video": video.pk, "file": "censored", "link": link("video_file", video.pk, "censored")}
    for rendition in Rendition.objects.order_by("pk"):
        clip_link = link("clip_file", rendition.clip_id, rendition.slug, "mp4")
        yield {"clip": rendition.clip_id, "file": rendition.slug, "link": clip_link}
    for recap in Recap.objects.exclude(file="").order_by("pk"):
        yield {"recap": recap.pk, "file": "recap", "link": link("recap_file", recap.pk, "mp4")}


def write_zip(tables: Iterable[tuple[str, list[Any]]]) -> tuple[Path, dict[str, int]]:
    """A temporary zip with `<name>.json` for each table, and how many rows each had; the caller deletes
    the zip."""
    counts: dict[str, int] = {}
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
        path = Path(handle.name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in tables:
            archive.writestr(f"{name}.json", json.dumps(content, cls=DjangoJSONEncoder, indent=1))
            counts[name] = len(content)
    return path, counts
