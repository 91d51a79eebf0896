from django.urls import path

from upscale import views

urlpatterns = [
    path("videos/<int:video_id>/upscale/", views.start_upscale, name="start_upscale"),
    path("upscales/<int:upscale_id>/file", views.upscale_file, name="upscale_file"),
]
