"""The accept link of an invitation: signed, bound to the tenant that sent it, and expiring. That it
works once is the invitation row's business (`services.do_accept_invitation`)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from team.models import Invitation
from tenants.context import current_schema_name

SALT = "team.invitation"
MAX_AGE = timedelta(days=7)


class InvalidLink(Exception):
    """The link cannot open an invitation here; the message says why, for the person who clicked it."""


def token_for(invitation: Invitation) -> str:
    return signing.dumps(
        {"schema": current_schema_name(), "id": invitation.pk, "nonce": invitation.nonce}, salt=SALT
    )


def read_token(token: str) -> tuple[int, str]:
    """The invitation id and nonce a link carries, when it was signed by this site and is recent."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink(
            "This invitation link has expired: ask an owner of the site to send it again."
        ) from None
    except signing.BadSignature:
        raise InvalidLink("This invitation link is not valid: open it exactly as it was sent.") from None
    if data.get("schema") != current_schema_name():
        raise InvalidLink("This invitation is for another site: open the link exactly as it was sent.")
    return int(data["id"]), str(data["nonce"])
