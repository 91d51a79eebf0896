"""Index a tenant's videos again, e.g. after the text or image model changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from search import services
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Re-index the videos of a tenant whose segments were made by other models than the current ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tenant", help="the tenant's slug")
        parser.add_argument("--all", action="store_true", help="every indexed video, not only stale ones")

    def handle(self, *args: Any, tenant: str, all: bool, **options: Any) -> None:
        found = Tenant.objects.exclude(schema_name="public").filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"There is no tenant {tenant!r}.")
        with schema_context(found.schema_name):
            text_model, image_model = services.current_models()
            video_ids = services.indexed_videos() if all else services.stale_videos(text_model, image_model)
            self.stdout.write(
                f"{len(video_ids)} video(s) to index with {text_model} / {image_model or 'no CLIP'}"
            )
            done = services.do_reindex_videos(video_ids, self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Re-indexed {done} video(s)."))
