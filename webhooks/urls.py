"""Webhooks pages of a tenant's site."""

from django.urls import path

from webhooks import views

urlpatterns = [
    path("webhooks/", views.endpoints_page, name="webhooks"),
    path("webhooks/new/", views.add_endpoint, name="add_webhook"),
    path("webhooks/<int:endpoint_id>/", views.endpoint_page, name="webhook_endpoint"),
    path("webhooks/<int:endpoint_id>/edit/", views.edit_endpoint, name="edit_webhook"),
    path("webhooks/<int:endpoint_id>/delete/", views.delete_endpoint, name="delete_webhook"),
    path("webhooks/<int:endpoint_id>/ping/", views.ping_endpoint, name="ping_webhook"),
    path("webhooks/deliveries/<int:delivery_id>/resend/", views.resend_delivery, name="resend_webhook"),
]
