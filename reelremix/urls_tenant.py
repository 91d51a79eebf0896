"""URLs of a tenant's site (<slug>.<BASE_DOMAIN>)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from media_jobs import views as job_views
from reelremix import api_errors
from reelremix.observability import views as ops

# Errors under /api/ answer in the API's JSON shape; every other path keeps Django's pages.
handler400 = api_errors.handler400
handler403 = api_errors.handler403
handler404 = api_errors.handler404
handler500 = api_errors.handler500

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("", include("media_jobs.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("search.api.urls")),
    path("", include("clips.api.urls")),
    path("", include("recaps.api.urls")),
    path("", include("upscale.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("privacy.api.urls")),
]

urlpatterns = [
    path("healthz", ops.ready, name="healthz"),
    path("healthz/live", ops.live, name="healthz_live"),
    path("healthz/ready", ops.ready, name="healthz_ready"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change and reset (Django's views; templates/registration/). A reset looks the email up in
    # this tenant's schema and its link points at this tenant's host.
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("", job_views.dashboard, name="dashboard"),
    path("jobs/<int:job_id>/", job_views.job_detail, name="job_detail"),
    path("jobs/selfcheck/", job_views.start_selfcheck, name="start_selfcheck"),
    path("videos/", job_views.video_list, name="video_list"),
    path("videos/upload/", job_views.upload_video, name="upload_video"),
    path("videos/<int:video_id>/", job_views.video_detail, name="video_detail"),
    path("videos/<int:video_id>/<str:which>.mp4", job_views.video_file, name="video_file"),
    path("", include("accounts.urls")),
    path("", include("billing.urls")),
    path("", include("search.urls")),
    path("", include("clips.urls")),
    path("", include("recaps.urls")),
    path("", include("upscale.urls")),
    path("", include("webhooks.urls")),
    path("", include("team.urls")),
    path("", include("privacy.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI and Redoc, their scripts served by us (drf-spectacular-sidecar): no CDN.
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
