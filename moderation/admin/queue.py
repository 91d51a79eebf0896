"""The queue's filters and per-kind columns: what the Case changelist sorts, filters and shows by."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from moderation.models import Case, Kind


def per_kind(kind: str) -> dict[str, Any]:
    """Annotations: how many flags of `kind` are not ignored, and their top score."""
    kept = Q(flags__kind=kind) & ~Q(flags__action="ignore")
    return {f"{kind}_count": Count("flags", filter=kept), f"{kind}_top": Max("flags__score", filter=kept)}


def kind_column(kind: str, description: str) -> Callable[[Any, Case], str]:
    """A queue column: how many flags of `kind` the case has (ignored ones aside), and their top score."""

    @admin.display(description=description, ordering=f"{kind}_top")
    def column(model_admin: Any, case: Case) -> str:
        count, top = getattr(case, f"{kind}_count"), getattr(case, f"{kind}_top")
        return f"{count} (top {top:.2f})" if count else "—"

    return column


class FlagKindFilter(admin.SimpleListFilter):
    title, parameter_name = "flag kind", "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind.value, kind.label) for kind in Kind]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value()
        return queryset.filter(flags__kind=value).distinct() if value else queryset


class ScoreBandFilter(admin.SimpleListFilter):
    title, parameter_name = "severity", "band"
    BANDS = {"high": (0.8, 1.01), "medium": (0.5, 0.8), "low": (0.0, 0.5)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("high", "0.8 and above"), ("medium", "0.5 to 0.8"), ("low", "below 0.5")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        band = self.BANDS.get(self.value() or "")
        return queryset.filter(severity__gte=band[0], severity__lt=band[1]) if band else queryset


class AgeFilter(admin.SimpleListFilter):
    title, parameter_name = "waiting", "age"
    HOURS = {"1h": 1, "24h": 24, "7d": 24 * 7}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1h", "over an hour"), ("24h", "over a day"), ("7d", "over a week")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        hours = self.HOURS.get(self.value() or "")
        return queryset.filter(created_at__lte=timezone.now() - timedelta(hours=hours)) if hours else queryset
