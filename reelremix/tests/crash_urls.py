"""The tenant site's URLs plus views that fail the way a bug would, to see what a crash answers."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from reelremix.urls_tenant import handler400, handler403, handler404, handler500  # noqa: F401
from reelremix.urls_tenant import urlpatterns as tenant_urlpatterns


@api_view(["GET"])
@permission_classes([AllowAny])
def api_crash(request: Request) -> Response:
    raise RuntimeError("a bug in an API view")


def plain_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a plain Django view")


urlpatterns: list[Any] = [
    path("api/v1/crash/", api_crash),
    path("api/plain-crash/", plain_crash),
    path("page-crash/", plain_crash),
    *tenant_urlpatterns,
]
