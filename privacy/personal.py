"""A user's own data (GDPR Article 15/20: what the site holds about them, as JSON) and its erasure
(Article 17): the account is stripped of everything personal and closed. The row itself stays under a
stable pseudonym, because the moderation audit trail (Decision, PolicyChange: append-only, refused UPDATE
and DELETE by the database) points at it; their uploads are handed to an owner or deleted."""

from __future__ import annotations

import enum
import hashlib
import hmac
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts import services as account_services
from accounts.models import ApiToken
from clips.models import Compilation
from media_jobs.models import Job, Video
from media_jobs.retention import delete_files
from moderation.models import Decision, PolicyChange
from privacy import exporting, storage
from recaps.models import Recap
from search.models import Search
from team import roles
from team import services as team_services
from team.models import Membership, Role
from tenants.context import current_schema_name

ACCOUNT_FIELDS = ("id", "username", "email", "first_name", "last_name", "date_joined", "last_login")


class Uploads(enum.Enum):
    """What becomes of an erased user's uploads: the owner's choice."""

    HAND_OVER = "hand_over"  # uploaded_by becomes the owner who erased them
    # The videos and their files go; those with a moderation trail, a legal hold or a job under way are
    # handed over instead.
    DELETE = "delete"


def personal_data(user: User) -> dict[str, Any]:
    """Everything the tenant holds about `user` (tokens by name: their secrets are never stored)."""
    tokens = ApiToken.objects.filter(user=user).order_by("created")
    return {
        "account": {name: getattr(user, name) for name in ACCOUNT_FIELDS},
        "memberships": list(Membership.objects.filter(user=user).values("role", "updated_at")),
        "role": roles.role_of(user).value,
        "tokens": list(tokens.values("uid", "name", "created", "expiry", "last_used")),
        "uploads": exporting.rows(Video.objects.filter(uploaded_by=user)),
        "decisions": exporting.rows(Decision.objects.filter(actor=user)),
        "policy_changes": exporting.rows(PolicyChange.objects.filter(actor=user)),
        "searches": list(
            Search.objects.filter(user=user).order_by("pk").values("text", "source", "created_at")
        ),
    }


def pseudonym(user: User) -> str:
    """The stable name an erased user keeps in the audit trail: the same user always gets the same one,
    and nothing in it leads back to them without the site's secret key."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"{current_schema_name()}:{user.pk}".encode(), hashlib.sha256).hexdigest()
    return f"erased-user-{digest[:12]}"


def heir(user: User, decided_by: User) -> User | None:
    """Who receives `user`'s uploads: the owner erasing them; for a user erasing themselves, another
    active owner (None when there is none)."""
    if decided_by.pk != user.pk:
        return decided_by if decided_by.is_active and roles.role_of(decided_by) is Role.OWNER else None
    others = User.objects.filter(is_active=True, is_superuser=True).exclude(pk=user.pk).order_by("pk")
    return next((other for other in others if roles.role_of(other) is Role.OWNER), None)


@transaction.atomic
def do_erase_user(user: User, decided_by: User, uploads: Uploads = Uploads.HAND_OVER) -> str:
    """Erase `user` (by an owner, or by themselves): off the team, tokens revoked, name and email replaced
    by the pseudonym (and forgotten by the invitations they accepted and the failed sign-ins kept), password
    unusable; their uploads handed over or deleted. Returns the pseudonym."""
    receiver = heir(user, decided_by)
    if receiver is None:
        raise ValidationError(
            "The site needs another owner to receive this account's uploads: "
            "make someone else an owner first."
        )
    team_services.do_remove_member(user)
    team_services.do_forget_invitations_of(user)
    account_services.do_revoke_all_tokens(user)
    account_services.do_forget_sign_in_attempts(user.username)
    _settle_uploads(user, receiver, uploads)
    name = pseudonym(user)
    user.username, user.email, user.first_name, user.last_name = name, "", "", ""
    user.is_staff = user.is_superuser = False  # no way back into the admin, whatever their role was
    user.set_unusable_password()
    user.save(
        update_fields=["username", "email", "first_name", "last_name", "is_staff", "is_superuser", "password"]
    )
    return name


def _settle_uploads(user: User, owner: User, uploads: Uploads) -> None:
    videos = Video.objects.filter(uploaded_by=user)
    if uploads is Uploads.DELETE:
        audited = Decision.objects.filter(case__video__in=videos).values("case__video")
        busy = Job.objects.filter(state__in=(Job.State.QUEUED, Job.State.RUNNING)).values("video")
        for video in videos.filter(legal_hold=False).exclude(pk__in=audited).exclude(pk__in=busy):
            _delete_video(video)
    Video.objects.filter(uploaded_by=user).update(uploaded_by=owner)


def _delete_video(video: Video) -> None:
    """The video, and every file made from it: its folders (original, artifacts, clips, shots, upscales), its
    recaps, and the compilations any of its clips is in (a compilation without them is not what was made)."""
    schema, uid = current_schema_name(), video.uid
    recaps = Recap.objects.filter(Q(video=video) | Q(sources__video=video)).distinct()
    compilations = Compilation.objects.filter(items__clip__video=video).distinct()
    files = [*_file_names(recaps, "file", "thumbnail", "narration"), *_file_names(compilations, "file")]
    compilations.delete()
    recaps.delete()
    video.delete()
    transaction.on_commit(partial(delete_files, files))
    for folder in ("videos", "clips", "shots", "upscales"):
        transaction.on_commit(partial(storage.delete_prefix, f"{schema}/{folder}/{uid}/"))


def _file_names(rows: QuerySet[Any], *fields: str) -> list[str]:
    return [name for values in rows.values_list(*fields) for name in values if name]
