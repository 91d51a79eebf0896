"""The team page (owners: members and their roles, invitations) and the invitation's accept page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from team import invitations, roles, services
from team.forms import AcceptForm, InviteForm, RoleForm
from team.models import Invitation, Role

View = Callable[..., HttpResponse]


def owners_only(view: View) -> View:
    """The team pages are for owners, reading included (POSTs are refused earlier, by the policy)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.allows(request.user, roles.Rule.OWNER):
            reason = "Only the site's owners manage its team."
            return render(request, "team/refused.html", {"reason": reason}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _accept_url(request: HttpRequest) -> Callable[[Invitation], str]:
    """The link an invitation email carries: on this tenant's host, where it was sent from."""
    return lambda invitation: request.build_absolute_uri(
        reverse("team_accept", args=[invitations.token_for(invitation)])
    )


@owners_only
def team_page(request: HttpRequest) -> HttpResponse:
    members = sorted(services.active_members(), key=lambda user: user.username.lower())
    context = {
        "members": [(member, roles.role_of(member)) for member in members],
        "invitations": services.pending_invitations(),
        "roles": Role.choices,
        "form": InviteForm(),
    }
    return render(request, "team/team.html", context)


def _done(request: HttpRequest, action: Callable[[], object], note: str) -> HttpResponse:
    try:
        action()
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, note)
    return redirect("team")


@owners_only
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give an email address and one of the roles.")
        return redirect("team")
    email, role = form.cleaned_data["email"], Role(form.cleaned_data["role"])
    inviter = cast(User, request.user)
    return _done(
        request,
        lambda: services.do_invite(email, role, inviter, _accept_url(request)),
        f"Invited {email} as {role.label.lower()}.",
    )


@owners_only
@require_POST
def change_role(request: HttpRequest, user_id: int) -> HttpResponse:
    member = get_object_or_404(User, pk=user_id, is_active=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("team")
    role = Role(form.cleaned_data["role"])
    return _done(
        request, lambda: services.do_set_role(member, role), f"{member.username} is now {role.label.lower()}."
    )


@owners_only
@require_POST
def remove_member(request: HttpRequest, user_id: int) -> HttpResponse:
    member = get_object_or_404(User, pk=user_id, is_active=True)
    return _done(
        request, lambda: services.do_remove_member(member), f"{member.username} was removed from the team."
    )


@owners_only
@require_POST
def manage_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(services.pending_invitations(), pk=invitation_id)
    if request.POST.get("action") == "resend":
        return _done(
            request,
            lambda: services.do_resend_invitation(invitation, _accept_url(request)),
            f"Sent the invitation to {invitation.email} again.",
        )
    if request.POST.get("action") == "revoke":
        return _done(
            request,
            lambda: services.do_revoke_invitation(invitation),
            f"Revoked the invitation to {invitation.email}.",
        )
    messages.error(request, "Choose to resend or to revoke the invitation.")
    return redirect("team")


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Set a username and password from an invitation's link, and log in."""
    try:
        invitation_id, nonce = invitations.read_token(token)
        invitation = services.acceptable_invitation(invitation_id, nonce)
    except invitations.InvalidLink as err:
        return render(request, "team/accept.html", {"refusal": str(err)}, status=400)
    except ValidationError as err:
        return render(request, "team/accept.html", {"refusal": " ".join(err.messages)}, status=400)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.do_accept_invitation(invitation_id, nonce, data["username"], data["password"])
        except ValidationError as err:
            form.add_error(None, err)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to the team!")
            return redirect("dashboard")
    context = {"form": form, "invitation": invitation}
    return render(request, "team/accept.html", context, status=400 if form.errors else 200)
