from django.urls import path

from media_jobs.consumers import ProgressConsumer
from moderation.live import QueueConsumer

websocket_urlpatterns = [
    path("ws/progress/<int:job_id>/", ProgressConsumer.as_asgi()),
    path("ws/moderation/queue/", QueueConsumer.as_asgi()),
]
