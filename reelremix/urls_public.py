"""URLs of the public site (the bare BASE_DOMAIN): landing page and the platform operators' admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from reelremix import api_errors
from reelremix.observability import views as ops

handler500 = api_errors.handler500  # a database outage answers 503 here too

urlpatterns = [
    path("healthz", ops.ready, name="healthz"),
    path("healthz/live", ops.live, name="healthz_live"),
    path("healthz/ready", ops.ready, name="healthz_ready"),
    path("metrics", ops.metrics, name="metrics"),  # the platform's, never a tenant's host
    path("admin/", admin.site.urls),
    path("", include("billing.urls_public")),
    path("", TemplateView.as_view(template_name="landing.html"), name="landing"),
]
