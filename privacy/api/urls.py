from django.urls import path

from privacy.api import views

urlpatterns = [
    path("privacy/exports/", views.ExportList.as_view(), name="api-privacy-exports"),
    path("privacy/exports/<uuid:uid>/", views.ExportDetail.as_view(), name="api-privacy-export"),
    path("privacy/me/", views.MyData.as_view(), name="api-privacy-me"),
]
