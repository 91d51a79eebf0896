"""API tokens over the API: issued for a username and password (throttled by django-axes), listed and
revoked by their owner. Tokens live in the tenant's schema, so nothing here can reach another tenant's."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services, throttling
from accounts.api.serializers import (
    ApiTokenSerializer,
    IssuedTokenSerializer,
    ObtainTokenSerializer,
    RevokedSerializer,
)
from accounts.models import ApiToken


class LoginLockedOut(Throttled):
    """429 with Retry-After: too many wrong passwords for this username from this address."""

    default_detail = (
        "Too many failed sign-ins for this username from your address; its password is not checked."
    )
    default_code = "login_locked_out"
    extra_detail_singular = extra_detail_plural = "Try again in {wait} seconds."


def _log_in(request: Request, username: str, password: str) -> AbstractBaseUser:
    """The user these credentials name, through django-axes, which refuses a locked-out pair unchecked."""
    # Axes marks the request it is given; the DRF request keeps the mark away from its middleware, which
    # would otherwise answer with the login page's lock-out page.
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLockedOut(wait=throttling.seconds_locked(request, username))
        refusal = "Unable to log in with provided credentials."
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [refusal]}, code="authorization")
    user_logged_in.send(sender=type(user), request=request, user=user)  # last_login; axes clears failures
    return user


class ObtainTokenView(APIView):
    """Issue a token for a username and password of this tenant; the key is in this answer only."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # A login: a form post as DRF's obtain_auth_token took, or JSON (the API's default is JSON only).
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    @extend_schema(
        request=ObtainTokenSerializer,
        responses={
            200: IssuedTokenSerializer,
            409: OpenApiResponse(description="The user has API_TOKENS_PER_USER tokens: revoke one first."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ObtainTokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _log_in(request, form.validated_data["username"], form.validated_data["password"])
        token, key = services.do_create_token(
            user, form.validated_data["name"], form.validated_data["lifetime"]
        )
        body = {"token": key, "expiry": token.expiry, "id": token.uid, "name": token.name}
        return Response(IssuedTokenSerializer(body).data)


class TokenListView(generics.ListAPIView[ApiToken]):
    """The caller's own tokens that still work, newest first (never their keys)."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        return services.live_tokens(cast(AbstractBaseUser, self.request.user))


class TokenView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, uid: uuid.UUID) -> Response:
        """Revoke one of the caller's tokens (another user's token is not found)."""
        if not services.do_revoke_token(cast(AbstractBaseUser, request.user), uid):
            raise NotFound("You have no token with this id.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllView(APIView):
    @extend_schema(request=None, responses={200: RevokedSerializer})
    def post(self, request: Request) -> Response:
        """Revoke every token of the caller, the one of this request included."""
        revoked = services.do_revoke_all_tokens(cast(AbstractBaseUser, request.user))
        return Response(RevokedSerializer({"revoked": revoked}).data)
