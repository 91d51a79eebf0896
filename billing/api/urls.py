from django.urls import path

from billing.api.views import BillingView

urlpatterns = [path("billing/", BillingView.as_view(), name="api-billing")]
