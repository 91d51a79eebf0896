"""Privacy pages: the owner's (exports of the tenant, erasing a member, deleting the site) and each
user's own (their data as JSON, erasing their account)."""

from __future__ import annotations

import json
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request

from media_jobs import files
from privacy import deletion, personal, services
from privacy.access import IsOwner, check_owner
from privacy.forms import EraseMemberForm, EraseSelfForm
from privacy.models import Export
from team.services import active_members


def _owner_page(
    request: HttpRequest, form: EraseMemberForm, status: int = 200, deletion_error: str = ""
) -> HttpResponse:
    context = {
        "exports": Export.objects.select_related("job", "requested_by")[:20],
        "erase_form": form,
        "deletion_error": deletion_error,
        "grace_days": settings.TENANT_DELETION_GRACE_DAYS,
    }
    return render(request, "privacy/privacy.html", context, status=status)


def _members_form(request: HttpRequest) -> EraseMemberForm:
    return EraseMemberForm(members=active_members(), owner=request.user)


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    check_owner(request.user)
    return _owner_page(request, _members_form(request))


@login_required
@require_POST
def order_export(request: HttpRequest) -> HttpResponse:
    check_owner(request.user)
    services.do_order_tenant_export(cast(User, request.user))
    messages.info(request, "Export ordered: it appears below when it is ready.")
    return redirect("privacy")


@api_view(["GET"])
@permission_classes([IsOwner])
def export_file(request: Request, uid: str) -> HttpResponseBase:
    """The export's zip, for the tenant's owners (session or token); 410 once it expired."""
    export = get_object_or_404(Export, uid=uid)
    if export.expired:
        return HttpResponse("This export expired: order a new one.", status=410, content_type="text/plain")
    if not export.file:
        raise Http404("This export is not ready yet.")
    return files.serve_file(request, export.file, "application/zip")


@login_required
@require_POST
def erase_member(request: HttpRequest) -> HttpResponse:
    check_owner(request.user)
    form = EraseMemberForm(request.POST, members=active_members(), owner=request.user)
    if form.is_valid():
        try:
            name = personal.do_erase_user(
                form.cleaned_data["member"], cast(User, request.user), form.cleaned_data["uploads"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.info(request, f"Erased: the audit trail now names them {name}.")
            return redirect("privacy")
    return _owner_page(request, form, status=400)


@login_required
@require_POST
def delete_tenant(request: HttpRequest) -> HttpResponse:
    """Schedule the site's deletion; the owner typed its name to confirm."""
    check_owner(request.user)
    tenant = request.tenant  # type: ignore[attr-defined]
    try:
        due = deletion.do_request_tenant_deletion(tenant, request.POST.get("name", ""))
    except ValidationError as error:
        return _owner_page(request, _members_form(request), status=400, deletion_error=error.messages[0])
    messages.warning(request, f"This site will be deleted on {due:%Y-%m-%d %H:%M} UTC unless you cancel.")
    return redirect("privacy")


@login_required
@require_POST
def cancel_tenant_deletion(request: HttpRequest) -> HttpResponse:
    check_owner(request.user)
    deletion.do_cancel_tenant_deletion(request.tenant)  # type: ignore[attr-defined]
    messages.info(request, "The site's deletion is cancelled.")
    return redirect("privacy")


@login_required
def my_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/my_data.html", {"form": EraseSelfForm(user=request.user)})


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    """What the site holds about the signed-in user, as a JSON download."""
    body = json.dumps(personal.personal_data(cast(User, request.user)), cls=DjangoJSONEncoder, indent=1)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_POST
def erase_me(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = EraseSelfForm(request.POST, user=user)
    if form.is_valid():
        try:
            personal.do_erase_user(user, user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            return render(request, "privacy/erased.html")
    return render(request, "privacy/my_data.html", {"form": form}, status=400)
