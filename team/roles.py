"""The one policy of who may change what on a tenant's site: every route of the tenant's URLs is named
here with the rule its unsafe requests (POST, PUT, PATCH, DELETE) need. Reading (GET, HEAD, OPTIONS) is
open to every role. `team.middleware` applies it to pages, `team.permissions` to the API, and
`team/tests/test_policy.py` fails for a route nobody decided on."""

from __future__ import annotations

import enum
from typing import Any

from django.urls import ResolverMatch

from team.models import Membership, Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY = "Your role on this site is viewer, which is read-only: ask an owner of the site to change it."
MODERATORS_GROUP = "moderators"  # moderation's group (moderation.decisions), named here for old users


class Rule(enum.Enum):
    """What an unsafe request needs."""

    ACCOUNT = "their own account"  # any role: password, logout, their own API tokens
    EDIT = "editor"  # uploads, clips, recaps, upscales, edits
    OWNER = "owner"  # billing management, the team, webhooks
    ADMIN = "admin"  # the tenant admin: staff (owners, moderators); the admin's permissions decide the rest


ALLOWED: dict[Rule, frozenset[Role]] = {
    Rule.ACCOUNT: frozenset(Role),
    Rule.EDIT: frozenset({Role.OWNER, Role.EDITOR}),
    Rule.OWNER: frozenset({Role.OWNER}),
}
DEFAULT = Rule.EDIT  # a route missing below still refuses viewers (and the policy test fails)

# By URL name (namespaced names with their namespace).
BY_NAME: dict[str, Rule] = {
    # the site and the account
    "healthz": Rule.EDIT,
    "healthz_live": Rule.EDIT,
    "healthz_ready": Rule.EDIT,
    "login": Rule.ACCOUNT,
    "logout": Rule.ACCOUNT,
    "password_change": Rule.ACCOUNT,
    "password_change_done": Rule.ACCOUNT,
    "password_reset": Rule.ACCOUNT,
    "password_reset_done": Rule.ACCOUNT,
    "password_reset_confirm": Rule.ACCOUNT,
    "password_reset_complete": Rule.ACCOUNT,
    # accounts: a user's own API tokens and authenticator
    "two_factor": Rule.ACCOUNT,
    "tokens": Rule.ACCOUNT,
    "tokens_revoke_all": Rule.ACCOUNT,
    "token_revoke": Rule.ACCOUNT,
    "api-token": Rule.ACCOUNT,
    "api-tokens": Rule.ACCOUNT,
    "api-tokens-revoke-all": Rule.ACCOUNT,
    "api-token-detail": Rule.ACCOUNT,
    # media_jobs
    "dashboard": Rule.EDIT,
    "job_detail": Rule.EDIT,
    "start_selfcheck": Rule.EDIT,
    "video_list": Rule.EDIT,
    "upload_video": Rule.EDIT,
    "api-uploads": Rule.EDIT,
    "api-upload-detail": Rule.EDIT,
    "api-uploads-s3": Rule.EDIT,
    "api-upload-parts": Rule.EDIT,
    "api-upload-complete": Rule.EDIT,
    "video_detail": Rule.EDIT,
    "video_file": Rule.EDIT,
    "api-root": Rule.EDIT,
    "job-list": Rule.EDIT,
    "job-detail": Rule.EDIT,
    "video-list": Rule.EDIT,
    "video-detail": Rule.EDIT,
    "video-legal-hold": Rule.OWNER,
    "job-selfcheck": Rule.EDIT,
    # billing
    "billing": Rule.OWNER,
    "billing_checkout": Rule.OWNER,
    "billing_portal": Rule.OWNER,
    "welcome": Rule.ACCOUNT,  # the signup's one-time sign-in link: logs the new owner in
    "api-billing": Rule.OWNER,
    # search
    "search": Rule.EDIT,
    "segment_thumbnail": Rule.EDIT,
    "api-search": Rule.EDIT,
    "search_click": Rule.EDIT,  # a GET: any role follows a result of their own search
    "search_analytics": Rule.EDIT,  # reading it is for owners and editors too (search.views)
    "api-search-click": Rule.ACCOUNT,  # any role: a click on one of their own searches
    # clips
    "make_clips": Rule.EDIT,
    "clips": Rule.EDIT,
    "clip_detail": Rule.EDIT,
    "edit_clip": Rule.EDIT,
    "clip_file": Rule.EDIT,
    "compile_clips": Rule.EDIT,
    "compilation_file": Rule.EDIT,
    "upload_music": Rule.EDIT,
    "video-clips": Rule.EDIT,
    "clip-candidates": Rule.EDIT,
    "clip-list": Rule.EDIT,
    "clip-detail": Rule.EDIT,
    "compilation-list": Rule.EDIT,
    "compilation-detail": Rule.EDIT,
    "music-list": Rule.EDIT,
    # recaps
    "make_recap": Rule.EDIT,
    "shot_thumbnail": Rule.EDIT,
    "recap_detail": Rule.EDIT,
    "pin_recap_shots": Rule.EDIT,
    "render_recap": Rule.EDIT,
    "recap_file": Rule.EDIT,
    "api-start-recap": Rule.EDIT,
    "api-video-shots": Rule.EDIT,
    "api-recap-list": Rule.EDIT,
    "api-recap-detail": Rule.EDIT,
    "api-recap-render": Rule.EDIT,
    "api-recap-scene": Rule.EDIT,
    "api-recap-shots": Rule.EDIT,
    # upscale
    "start_upscale": Rule.EDIT,
    "upscale_file": Rule.EDIT,
    "video-upscale": Rule.EDIT,
    "video-upscale-estimate": Rule.EDIT,
    "upscale-list": Rule.EDIT,
    "upscale-detail": Rule.EDIT,
    "api-schema": Rule.EDIT,
    "api-docs": Rule.EDIT,
    "api-redoc": Rule.EDIT,
    # webhooks
    "webhooks": Rule.OWNER,
    "add_webhook": Rule.OWNER,
    "webhook_endpoint": Rule.OWNER,
    "edit_webhook": Rule.OWNER,
    "delete_webhook": Rule.OWNER,
    "ping_webhook": Rule.OWNER,
    "resend_webhook": Rule.OWNER,
    "webhook-list": Rule.OWNER,
    "webhook-detail": Rule.OWNER,
    "webhook-deliveries": Rule.OWNER,
    "webhook-ping": Rule.OWNER,
    "webhook-resend": Rule.OWNER,
    # privacy: the tenant's exports and erasure (owners; privacy.access closes reading too), a user's own data
    "privacy": Rule.OWNER,
    "privacy_export": Rule.OWNER,
    "privacy_export_file": Rule.OWNER,
    "privacy_erase_member": Rule.OWNER,
    "privacy_delete_tenant": Rule.OWNER,
    "privacy_cancel_deletion": Rule.OWNER,
    "api-privacy-exports": Rule.OWNER,
    "api-privacy-export": Rule.OWNER,
    "my_data": Rule.ACCOUNT,
    "my_data_export": Rule.ACCOUNT,
    "my_data_erase": Rule.ACCOUNT,
    "api-privacy-me": Rule.ACCOUNT,
    # team
    "team": Rule.OWNER,
    "team_invite": Rule.OWNER,
    "team_member": Rule.OWNER,
    "team_remove": Rule.OWNER,
    "team_invitation": Rule.OWNER,
    "team_accept": Rule.ACCOUNT,  # the invited person: not on the team until the link is accepted
}
BY_NAMESPACE: dict[str, Rule] = {"admin": Rule.ADMIN}
# Routes decided by where they live, for branches that add routes there before naming them here.
BY_PREFIX: tuple[tuple[str, Rule], ...] = (
    ("/account/", Rule.ACCOUNT),  # a user's own account pages: API tokens, two-factor
    ("/api/v1/auth/", Rule.ACCOUNT),
    ("/webhooks/", Rule.OWNER),
    ("/api/v1/webhooks/", Rule.OWNER),
)


def legacy_role(user: Any) -> Role:
    """The role of a user made before roles (or by `createsuperuser`), as the data migration gave it."""
    if user.is_superuser or user.is_staff:
        return Role.OWNER
    if any(group.name == MODERATORS_GROUP for group in user.groups.all()):  # prefetched on the team page
        return Role.MODERATOR
    return Role.EDITOR


def role_of(user: Any) -> Role:
    try:
        return Role(user.membership.role)
    except Membership.DoesNotExist:
        return legacy_role(user)


def rule_for(match: ResolverMatch | None, path: str) -> Rule | None:
    """The rule the policy names for a route; None when it names none."""
    if match is not None and match.view_name in BY_NAME:
        return BY_NAME[match.view_name]
    for prefix, rule in BY_PREFIX:
        if path.startswith(prefix):
            return rule
    if match is not None:
        for namespace in match.namespaces:
            if namespace in BY_NAMESPACE:
                return BY_NAMESPACE[namespace]
    return None


def allows(user: Any, rule: Rule) -> bool:
    if rule is Rule.ADMIN:
        return bool(user.is_active and user.is_staff)
    return role_of(user) in ALLOWED[rule]


def refusal(user: Any, method: str, match: ResolverMatch | None, path: str) -> str | None:
    """Why `user` may not send this request; None when the policy lets them (or it only reads)."""
    if method in SAFE_METHODS or not user.is_authenticated:
        return None
    rule = rule_for(match, path) or DEFAULT
    if allows(user, rule):
        return None
    role = role_of(user)
    if role is Role.VIEWER:
        return READ_ONLY
    if rule is Rule.ADMIN:
        return "Only owners and moderators work in this site's admin."
    return f"This needs the {rule.value} role; your role on this site is {role.label.lower()}."
