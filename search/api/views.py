from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from search.api.serializers import HitSerializer, SearchParamsSerializer
from search.query import search_segments


@extend_schema(parameters=[SearchParamsSerializer], responses={200: OpenApiResponse(description="hits")})
@api_view(["GET"])
def search(request: Request) -> Response:
    """Moments of this tenant's videos that match `q` by meaning or by words, best first."""
    params = SearchParamsSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    query, limit = params.validated_data["q"], params.validated_data["limit"]
    hits = search_segments(query, params.filters(), limit, settings.SEARCH_EF_SEARCH)
    return Response({"query": query, "results": [HitSerializer(hit).data for hit in hits]})
