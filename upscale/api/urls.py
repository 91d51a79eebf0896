from django.urls import path
from rest_framework.routers import DefaultRouter

from upscale.api.views import UpscaleViewSet, estimate_upscale, start_upscale

router = DefaultRouter()
router.register("upscales", UpscaleViewSet, basename="upscale")
urlpatterns = [
    path("videos/<int:video_id>/upscale/", start_upscale, name="video-upscale"),
    path("videos/<int:video_id>/upscale/estimate/", estimate_upscale, name="video-upscale-estimate"),
    *router.urls,
]
