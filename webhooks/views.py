"""Webhooks on the tenant site: the endpoints (add, edit, switch off, delete, send a test event) and each
one's delivery log with Resend. Everyone signed in sees them; only administrators change them."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint

DELIVERIES_PER_PAGE = 25


def _manager(request: HttpRequest) -> User:
    if not services.may_manage(request.user):
        raise PermissionDenied("Only the site's administrators manage its webhooks.")
    return cast(User, request.user)


def _list(request: HttpRequest, form: EndpointForm, status: int = 200) -> HttpResponse:
    context = {
        "endpoints": Endpoint.objects.all(),
        "form": form,
        "can_manage": services.may_manage(request.user),
    }
    return render(request, "webhooks/endpoints.html", context, status=status)


@login_required
def endpoints_page(request: HttpRequest) -> HttpResponse:
    return _list(request, EndpointForm())


@login_required
@require_POST
def add_endpoint(request: HttpRequest) -> HttpResponse:
    """Make an endpoint and show its secret, this once."""
    user = _manager(request)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = services.do_create_endpoint(user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "webhooks/created.html", {"endpoint": endpoint})
    return _list(request, form, status=400)


def _detail(request: HttpRequest, endpoint: Endpoint, form: EndpointForm, status: int = 200) -> HttpResponse:
    deliveries = Paginator(endpoint.deliveries.all(), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": deliveries,
        "can_manage": services.may_manage(request.user),
    }
    return render(request, "webhooks/endpoint.html", context, status=status)


@login_required
def endpoint_page(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """An endpoint, its settings and its deliveries, newest first."""
    endpoint = get_object_or_404(Endpoint, id=endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events,
               "active": endpoint.active}  # fmt: skip
    return _detail(request, endpoint, EndpointForm(initial=initial))


@login_required
@require_POST
def edit_endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    user = _manager(request)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.do_update_endpoint(endpoint, user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.info(request, "Saved.")
            return redirect("webhook_endpoint", endpoint_id=endpoint.pk)
    return _detail(request, endpoint, form, status=400)


@login_required
@require_POST
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    user = _manager(request)
    services.do_delete_endpoint(get_object_or_404(Endpoint, id=endpoint_id), user)
    messages.info(request, "The endpoint and its deliveries are deleted.")
    return redirect("webhooks")


@login_required
@require_POST
def ping_endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    user = _manager(request)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id)
    services.do_send_ping(endpoint, user)
    messages.info(request, "A test event is on its way.")
    return redirect("webhook_endpoint", endpoint_id=endpoint.pk)


@login_required
@require_POST
def resend_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    user = _manager(request)
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), id=delivery_id)
    services.do_resend_delivery(delivery, user)
    messages.info(request, f"{delivery.event} is sent again.")
    return redirect("webhook_endpoint", endpoint_id=delivery.endpoint_id)
