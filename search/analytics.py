"""Search analytics: every search (page and API) recorded with the results shown and the clicks on them, the
tenant's report of the last days, and the retention sweep. The one writer of Search, SearchResult and
SearchClick. Rows live in the tenant's schema: a tenant's report reads only its own searches."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone
from django_tenants.utils import schema_context

from search.models import Search, SearchClick, SearchResult
from search.query import Hit, SearchFilters, search_segments
from tenants.models import Tenant

logger = logging.getLogger(__name__)

REPORT_DAYS = 30  # the analytics page looks this far back
TOP_QUERIES = 20
SWEEP_SECONDS = 3600  # how often every worker sweeps expired analytics rows
SWEEP_BATCH = 5000  # searches deleted per statement (their results and clicks go with them)


def search_and_record(
    query: str, filters: SearchFilters, limit: int, given_filters: dict[str, Any], user: Any, source: str
) -> tuple[Search, list[tuple[Hit, SearchResult]]]:
    """Run a search and record it with the results it shows (what the page and the API both call): the
    search, and each hit with its recorded result, best first."""
    hits = search_segments(query, filters, limit, settings.SEARCH_EF_SEARCH)
    search, results = do_record_search(query, given_filters, hits, user, source)
    return search, list(zip(hits, results, strict=True))


@transaction.atomic
def do_record_search(
    query: str, given_filters: dict[str, Any], hits: Sequence[Hit], user: Any, source: str
) -> tuple[Search, list[SearchResult]]:
    """Record a search and the results shown, ranked from 1."""
    search = Search.objects.create(
        text=" ".join(query.split()),
        filters=given_filters,
        source=source,
        result_count=len(hits),
        strong_count=sum(not hit.weak for hit in hits),
        user=user if user.is_authenticated else None,
    )
    results = SearchResult.objects.bulk_create(
        SearchResult(
            search=search, rank=rank, segment_id=hit.segment.pk, video_id=hit.segment.video_id,
            start=hit.segment.start,
        )
        for rank, hit in enumerate(hits, start=1)
    )  # fmt: skip
    return search, results


def users_result(user: Any, **lookup: int) -> SearchResult | None:
    """A result of one of this user's own searches (None for anyone else's, or no such result)."""
    return SearchResult.objects.filter(search__user_id=user.pk, **lookup).first()


def do_record_click(result: SearchResult) -> SearchClick:
    """Someone followed this result."""
    return SearchClick.objects.create(result=result)


@dataclass(frozen=True)
class QueryStats:
    text: str  # lower case: "Pricing" and "pricing" are one query
    searches: int
    clicked: int  # searches of it with at least one click
    last: datetime  # the latest

    @property
    def click_through(self) -> float:
        return self.clicked / self.searches if self.searches else 0.0


@dataclass(frozen=True)
class Report:
    """What the analytics page shows, over the last REPORT_DAYS days."""

    since: date
    searches: int
    clicked: int
    no_match: int  # searches with no strong result (nothing at all, or only weak matches)
    top_queries: list[QueryStats]
    no_match_queries: list[QueryStats]
    days: list[tuple[date, int, int]]  # day, searches, searches with a click

    @property
    def click_through(self) -> float:
        return self.clicked / self.searches if self.searches else 0.0


def _recent(since: date) -> QuerySet[Search]:
    return Search.objects.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))


def _clicked() -> Count:
    """How many of the searches counted have at least one click."""
    return Count("id", filter=Exists(SearchClick.objects.filter(result__search_id=OuterRef("pk"))))


def _by_query(searches: QuerySet[Search]) -> list[QueryStats]:
    rows = (
        searches.annotate(key=Lower("text"))
        .values("key")
        .annotate(count=Count("id"), with_click=_clicked(), last=Max("created_at"))
        .order_by("-count", "-last", "key")[:TOP_QUERIES]
    )
    return [QueryStats(row["key"], row["count"], row["with_click"], row["last"]) for row in rows]


def _per_day(searches: QuerySet[Search], since: date, today: date) -> list[tuple[date, int, int]]:
    rows = (
        searches.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("id"), with_click=_clicked())
    )
    found = {row["day"]: (row["count"], row["with_click"]) for row in rows}
    days = [since + timedelta(days=i) for i in range((today - since).days + 1)]
    return [(day, *found.get(day, (0, 0))) for day in days]


def report(today: date | None = None) -> Report:
    """Top queries, queries with no match, click-through and searches per day of the last REPORT_DAYS."""
    today = today or timezone.localdate()
    since = today - timedelta(days=REPORT_DAYS - 1)
    searches = _recent(since)
    no_match = Count("id", filter=Q(strong_count=0))
    totals = searches.aggregate(searches=Count("id"), clicked=_clicked(), no_match=no_match)
    return Report(
        since=since,
        searches=totals["searches"],
        clicked=totals["clicked"],
        no_match=totals["no_match"],
        top_queries=_by_query(searches),
        no_match_queries=_by_query(searches.filter(strong_count=0)),
        days=_per_day(searches, since, today),
    )


def do_sweep_expired() -> int:
    """Delete the searches (their results and clicks with them) older than SEARCH_ANALYTICS_DAYS, in every
    tenant's schema, in batches (a periodic task of every worker). Returns how many searches it deleted."""
    cutoff = timezone.now() - timedelta(days=settings.SEARCH_ANALYTICS_DAYS)
    deleted = 0
    schemas = Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).values_list(
        "schema_name", flat=True
    )
    for schema_name in schemas:
        with schema_context(schema_name):
            deleted += _sweep_schema(cutoff)
    if deleted:
        logger.info("Swept %d searches older than %d days", deleted, settings.SEARCH_ANALYTICS_DAYS)
    return deleted


def _sweep_schema(cutoff: datetime) -> int:
    deleted = 0
    while True:
        ids = list(Search.objects.filter(created_at__lt=cutoff).values_list("id", flat=True)[:SWEEP_BATCH])
        if not ids:
            return deleted
        _delete_searches(ids)
        deleted += len(ids)


@transaction.atomic
def _delete_searches(ids: list[int]) -> None:
    """The searches, their results and clicks: one statement each. Django's cascade would load every result
    and delete them a hundred at a time (measured: 15 s for 66k searches with 200k results)."""
    SearchClick.objects.filter(result__search_id__in=ids).delete()  # nothing refers to a click: one DELETE
    with connection.cursor() as cursor:
        for table, column in ((SearchResult._meta.db_table, "search_id"), (Search._meta.db_table, "id")):
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" = ANY(%s)', [ids])  # noqa: S608 (names)
