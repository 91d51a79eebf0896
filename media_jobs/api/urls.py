from rest_framework.routers import DefaultRouter

from media_jobs.api.views import JobViewSet, VideoViewSet

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("videos", VideoViewSet, basename="video")
urlpatterns = router.urls
