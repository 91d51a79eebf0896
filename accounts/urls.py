"""A user's own account pages on a tenant's site: API tokens and two-factor."""

from django.urls import path

from accounts import two_factor_views, views

urlpatterns = [
    path("account/tokens/", views.tokens_page, name="tokens"),
    path("account/tokens/revoke-all/", views.revoke_all_tokens, name="tokens_revoke_all"),
    path("account/tokens/<uuid:uid>/revoke/", views.revoke_token, name="token_revoke"),
    path("account/two-factor/", two_factor_views.two_factor_page, name="two_factor"),
]
