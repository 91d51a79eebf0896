from django.urls import path

from media_jobs.consumers import ProgressConsumer

websocket_urlpatterns = [
    path("ws/progress/<int:job_id>/", ProgressConsumer.as_asgi()),
]
