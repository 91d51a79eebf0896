"""Privacy pages of a tenant's site."""

from django.urls import path

from privacy import views

urlpatterns = [
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/exports/", views.order_export, name="privacy_export"),
    path("privacy/exports/<uuid:uid>.zip", views.export_file, name="privacy_export_file"),
    path("privacy/erase/", views.erase_member, name="privacy_erase_member"),
    path("privacy/delete/", views.delete_tenant, name="privacy_delete_tenant"),
    path("privacy/delete/cancel/", views.cancel_tenant_deletion, name="privacy_cancel_deletion"),
    path("account/data/", views.my_data_page, name="my_data"),
    path("account/data.json", views.my_data_export, name="my_data_export"),
    path("account/data/erase/", views.erase_me, name="my_data_erase"),
]
