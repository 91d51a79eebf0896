"""Moderation in each tenant's admin; importing the modules is what registers their ModelAdmins."""

from moderation.admin import audit, cases, policy

__all__ = ["audit", "cases", "policy"]
