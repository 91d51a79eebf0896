from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from search import analytics
from search.api.serializers import ClickSerializer, HitSerializer, SearchParamsSerializer
from search.models import Search


@extend_schema(parameters=[SearchParamsSerializer], responses={200: OpenApiResponse(description="hits")})
@api_view(["GET"])
def search(request: Request) -> Response:
    """Moments of this tenant's videos that match `q` by meaning or by words, best first. The search is
    recorded for the tenant's analytics; report a followed result to `search/<search>/clicks/`."""
    params = SearchParamsSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    query, limit = params.validated_data["q"], params.validated_data["limit"]
    recorded, shown = analytics.search_and_record(
        query, params.filters(), limit, params.given_filters(), request.user, Search.Source.API
    )
    results = [{"rank": result.rank, **HitSerializer(hit).data} for hit, result in shown]
    return Response({"query": query, "search": recorded.pk, "results": results})


@extend_schema(request=ClickSerializer, responses={201: OpenApiResponse(description="the click recorded")})
@api_view(["POST"])
def click(request: Request, search_id: int) -> Response:
    """Record that the result at `rank` of one of your own searches was followed (for click-through)."""
    body = ClickSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    result = analytics.users_result(request.user, search_id=search_id, rank=body.validated_data["rank"])
    if result is None:
        raise Http404("No such result of a search of yours.")
    analytics.do_record_click(result)
    answer = {
        "search": search_id,
        "rank": result.rank,
        "segment": result.segment_id,
        "video": result.video_id,
    }
    return Response(answer, status=status.HTTP_201_CREATED)
