"""URLs of the public site (the bare BASE_DOMAIN): landing page and the platform operators' admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from reelremix.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("billing.urls_public")),
    path("", TemplateView.as_view(template_name="landing.html"), name="landing"),
]
