"""How the OpenAPI schema describes our token authentication. drf-spectacular's knox extension matches
knox's class only, not subclasses such as billing's PlanTokenAuthentication."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    match_subclasses = True
    name = "tokenAuth"  # the name DRF's own token scheme had: clients generated from the schema keep working

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106
        return dict(scheme)
