"""The tenant site's URLs plus views that fail the way a bug would, or as a request meets a database outage,
to see what each answers."""

from typing import Any

from django.db import OperationalError
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


# What Django raises when its pool gives up waiting for a connection to a PostgreSQL that is restarting.
OUTAGE = "couldn't get a connection after 30.00 sec"


@api_view(["GET"])
@permission_classes([AllowAny])
def api_database_away(request: Request) -> Response:
    raise OperationalError(OUTAGE)


def plain_database_away(request: HttpRequest) -> HttpResponse:
    raise OperationalError(OUTAGE)


urlpatterns: list[Any] = [
    path("api/v1/crash/", api_crash),
    path("api/plain-crash/", plain_crash),
    path("page-crash/", plain_crash),
    path("api/v1/database-away/", api_database_away),
    path("api/plain-database-away/", plain_database_away),
    path("page-database-away/", plain_database_away),
    *tenant_urlpatterns,
]
