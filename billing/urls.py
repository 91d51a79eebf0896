"""Billing URLs of a tenant's site."""

from django.urls import path

from billing import views

urlpatterns = [
    path("billing/", views.billing_page, name="billing"),
    path("billing/checkout/", views.start_checkout, name="billing_checkout"),
    path("billing/portal/", views.open_portal, name="billing_portal"),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
]
