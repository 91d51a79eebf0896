from django.urls import path
from rest_framework.routers import SimpleRouter

from recaps.api import views

router = SimpleRouter()
router.register("recaps", views.RecapViewSet, basename="api-recap")

urlpatterns = [
    path("videos/<int:video_id>/recaps/", views.StartRecap.as_view(), name="api-start-recap"),
    path("videos/<int:video_id>/shots/", views.video_shots, name="api-video-shots"),
    *router.urls,
]
