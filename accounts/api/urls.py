from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", views.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/revoke-all/", views.RevokeAllView.as_view(), name="api-tokens-revoke-all"),
    path("auth/tokens/<uuid:uid>/", views.TokenView.as_view(), name="api-token-detail"),
]
