"""Billing URLs of the public site."""

from django.urls import path

from billing import public_views

urlpatterns = [
    path("signup/", public_views.signup_page, name="signup"),
    path("stripe/webhook/", public_views.stripe_webhook, name="stripe_webhook"),
]
