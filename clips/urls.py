from django.urls import path, re_path

from clips import views

urlpatterns = [
    path("videos/<int:video_id>/clips/", views.make_clips, name="make_clips"),
    path("clips/", views.clips_page, name="clips"),
    path("clips/<int:clip_id>/", views.clip_detail, name="clip_detail"),
    path("clips/<int:clip_id>/edit/", views.edit_clip, name="edit_clip"),
    re_path(
        r"^clips/(?P<clip_id>\d+)/(?P<aspect>\d+x\d+)\.(?P<ext>mp4|jpg)$", views.clip_file, name="clip_file"
    ),
    path("compilations/", views.compile_clips, name="compile_clips"),
    path("compilations/<int:compilation_id>.mp4", views.compilation_file, name="compilation_file"),
    path("music/", views.upload_music, name="upload_music"),
]
