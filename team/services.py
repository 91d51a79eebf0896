"""Every change to a tenant's team: roles, removals, invitations and their acceptance."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from team import roles
from team.models import Invitation, Membership, Role

STAFF_ROLES = (Role.OWNER, Role.MODERATOR)  # the tenant admin opens for them


def active_members() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("membership").prefetch_related("groups")


def _other_owners(user: User) -> QuerySet[User]:
    """Active owners besides `user`, counting users made before roles as the migration counts them."""
    before_roles = Q(membership__isnull=True) & (Q(is_superuser=True) | Q(is_staff=True))
    return active_members().filter(Q(membership__role=Role.OWNER) | before_roles).exclude(pk=user.pk)


def _keep_an_owner(user: User, new_role: Role | None) -> None:
    if roles.role_of(user) is Role.OWNER and new_role is not Role.OWNER and not _other_owners(user).exists():
        raise ValidationError(f"{user.username} is the site's last owner: make someone else an owner first.")


@transaction.atomic
def do_set_role(user: User, role: Role) -> Membership:
    """Give `user` the role, and the admin access and group it comes with (owners are superusers of the
    tenant admin, moderators are staff in the moderators group)."""
    _keep_an_owner(user, role)
    membership, _ = Membership.objects.update_or_create(user=user, defaults={"role": role})
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role is Role.OWNER
    user.save(update_fields=["is_staff", "is_superuser"])
    group = Group.objects.get(name=roles.MODERATORS_GROUP)  # made in every schema by moderation's migrate
    if role is Role.MODERATOR:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user.membership = membership
    return membership


@transaction.atomic
def do_remove_member(user: User) -> None:
    """Take `user` off the team: inactive users cannot log in, and their sessions and tokens stop
    authenticating (Django's and DRF's backends refuse inactive users). Their videos stay."""
    _keep_an_owner(user, None)
    user.is_active = False
    user.save(update_fields=["is_active"])


def pending_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at=None, revoked_at=None).select_related("invited_by")


def check_invitation(email: str) -> None:
    if User.objects.filter(is_active=True, email__iexact=email).exists():
        raise ValidationError(f"{email} is already on the team.")
    if pending_invitations().filter(email__iexact=email).exists():
        raise ValidationError(f"{email} is already invited: resend that invitation instead.")


@transaction.atomic
def do_invite(email: str, role: Role, invited_by: User, accept_url: Any) -> Invitation:
    """Invite `email` with `role`; `accept_url(invitation)` is the signed link the email carries."""
    check_invitation(email)
    invitation = Invitation.objects.create(
        email=email, role=role, invited_by=invited_by, sent_at=timezone.now(), nonce=secrets.token_hex(16)
    )
    _send(invitation, accept_url(invitation))
    return invitation


@transaction.atomic
def do_resend_invitation(invitation: Invitation, accept_url: Any) -> None:
    """Send a new link; the one sent before stops working."""
    invitation.nonce, invitation.sent_at = secrets.token_hex(16), timezone.now()
    invitation.save(update_fields=["nonce", "sent_at"])
    _send(invitation, accept_url(invitation))


def do_revoke_invitation(invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def _send(invitation: Invitation, link: str) -> None:
    inviter = invitation.invited_by.username if invitation.invited_by else "An owner"
    body = render_to_string(
        "team/invitation_email.txt", {"invitation": invitation, "link": link, "inviter": inviter}
    )
    transaction.on_commit(lambda: send_mail("You are invited to ReelRemix", body, None, [invitation.email]))


def acceptable_invitation(invitation_id: int, nonce: str, *, lock: bool = False) -> Invitation:
    """The invitation a link opens, while it may still be accepted; else why not."""
    rows = Invitation.objects.select_for_update() if lock else Invitation.objects.all()
    invitation = rows.filter(pk=invitation_id, nonce=nonce).first()
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(
            "This invitation was revoked or sent again: use the newest email, or ask again."
        )
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted: log in instead.")
    return invitation


def do_forget_invitations_of(user: User) -> int:
    """`user` was erased: the invitations they accepted no longer hold the address they were sent to."""
    return Invitation.objects.filter(accepted_by=user).exclude(email="").update(email="")


@transaction.atomic
def do_accept_invitation(invitation_id: int, nonce: str, username: str, password: str) -> User:
    """Make the invited person's login with the invitation's role; the invitation works once."""
    invitation = acceptable_invitation(invitation_id, nonce, lock=True)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The username {username!r} is taken on this site: choose another.")
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    do_set_role(user, Role(invitation.role))
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
