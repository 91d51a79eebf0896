from django.urls import path
from rest_framework.routers import DefaultRouter

from media_jobs.api import direct_upload
from media_jobs.api.resumable import UploadsView, UploadView
from media_jobs.api.views import JobViewSet, VideoViewSet

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("videos", VideoViewSet, basename="video")
urlpatterns = [
    path("uploads/", UploadsView.as_view(), name="api-uploads"),
    path("uploads/<uuid:upload_id>/", UploadView.as_view(), name="api-upload-detail"),
    path("uploads/s3/", direct_upload.StartView.as_view(), name="api-uploads-s3"),
    path("uploads/<uuid:upload_id>/parts/", direct_upload.PartsView.as_view(), name="api-upload-parts"),
    path(
        "uploads/<uuid:upload_id>/complete/", direct_upload.CompleteView.as_view(), name="api-upload-complete"
    ),
    *router.urls,
]
