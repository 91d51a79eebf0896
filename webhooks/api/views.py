"""Webhooks in the API: endpoints (the secret is in the answer that creates one, and only there), each
one's deliveries, Resend, and a test event. Everyone with access reads; only administrators change."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from reelremix.pagination import Pagination
from team.permissions import RolePermission
from webhooks import services
from webhooks.api.serializers import CreatedEndpointSerializer, DeliverySerializer, EndpointSerializer
from webhooks.models import Endpoint


class ManagesWebhooksOrReadOnly(permissions.BasePermission):
    message = "Only the site's administrators manage its webhooks."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in permissions.SAFE_METHODS or services.may_manage(request.user)


ACCEPTED = {202: DeliverySerializer, 403: OpenApiResponse(description="not an administrator of the site")}


class EndpointViewSet(viewsets.ModelViewSet[Endpoint]):
    """This tenant's webhook endpoints, newest first."""

    serializer_class = EndpointSerializer
    # RolePermission: its own classes replace the defaults, and the role policy must still apply.
    permission_classes = [permissions.IsAuthenticated, RolePermission, ManagesWebhooksOrReadOnly]

    def get_queryset(self) -> QuerySet[Endpoint]:
        return Endpoint.objects.all()

    @extend_schema(responses={201: CreatedEndpointSerializer})
    def create(self, request: Request) -> Response:  # type: ignore[override]
        """Add an endpoint; the answer carries its signing secret, this once."""
        form = EndpointSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = services.do_create_endpoint(cast(User, request.user), **form.validated_data)
        return Response(CreatedEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer[Endpoint]) -> None:
        assert serializer.instance is not None
        services.do_update_endpoint(
            serializer.instance, cast(User, self.request.user), **serializer.validated_data
        )

    def perform_destroy(self, instance: Endpoint) -> None:
        services.do_delete_endpoint(instance, cast(User, self.request.user))

    @extend_schema(responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=DeliverySerializer)
    def deliveries(self, request: Request, pk: str) -> Response:
        """The endpoint's deliveries, newest first."""
        pages = Pagination()
        page = pages.paginate_queryset(self.get_object().deliveries.all(), request, view=self)
        return pages.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses=ACCEPTED,
        parameters=[OpenApiParameter("delivery_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/resend")
    def resend(self, request: Request, pk: str, delivery_id: str) -> Response:
        """Send a delivery's event again (same event id and body), as a new delivery."""
        delivery = get_object_or_404(self.get_object().deliveries.all(), id=int(delivery_id))
        again = services.do_resend_delivery(delivery, cast(User, request.user))
        return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=ACCEPTED)
    @action(detail=True, methods=["post"])
    def ping(self, request: Request, pk: str) -> Response:
        """Send a test event (`ping`) to the endpoint."""
        ping = services.do_send_ping(self.get_object(), cast(User, request.user))
        return Response(DeliverySerializer(ping).data, status=status.HTTP_202_ACCEPTED)
