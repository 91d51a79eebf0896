"""The tokens page of a tenant's site."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("account/tokens/", views.tokens_page, name="tokens"),
    path("account/tokens/revoke-all/", views.revoke_all_tokens, name="tokens_revoke_all"),
    path("account/tokens/<uuid:uid>/revoke/", views.revoke_token, name="token_revoke"),
]
