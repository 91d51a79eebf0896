"""Privacy in the API: the tenant's exports (owners: order, list, read) and the caller's own data."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import personal, services
from privacy.access import IsOwner
from privacy.api.serializers import ExportSerializer
from privacy.models import Export
from team.permissions import RolePermission

OWNERS = [permissions.IsAuthenticated, RolePermission, IsOwner]


class ExportList(APIView):
    """The tenant's exports, newest first (owners only); POST orders a new one (202)."""

    permission_classes = OWNERS

    @extend_schema(responses={200: ExportSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ExportSerializer(Export.objects.select_related("job")[:50], many=True).data)

    @extend_schema(request=None, responses={202: ExportSerializer})
    def post(self, request: Request) -> Response:
        export = services.do_order_tenant_export(cast(User, request.user))
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetail(APIView):
    permission_classes = OWNERS

    @extend_schema(responses={200: ExportSerializer})
    def get(self, request: Request, uid: str) -> Response:
        export = get_object_or_404(Export.objects.select_related("job"), uid=uid)
        return Response(ExportSerializer(export).data)


class MyData(APIView):
    """Everything the site holds about the caller (GDPR Article 15/20)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = personal.personal_data(cast(User, request.user))
        return Response(data)
