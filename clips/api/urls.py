from django.urls import path
from rest_framework.routers import DefaultRouter

from clips.api.views import ClipViewSet, CompilationViewSet, MusicViewSet, clip_candidates, start_clips

router = DefaultRouter()
router.register("clips", ClipViewSet, basename="clip")
router.register("compilations", CompilationViewSet, basename="compilation")
router.register("music", MusicViewSet, basename="music")
urlpatterns = [
    path("videos/<int:video_id>/clips/", start_clips, name="video-clips"),
    path("clips/candidates/", clip_candidates, name="clip-candidates"),
    *router.urls,
]
