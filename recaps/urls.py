from django.urls import path, re_path

from recaps import views

urlpatterns = [
    path("videos/<int:video_id>/recaps/", views.make_recap, name="make_recap"),
    path("videos/<int:video_id>/shots/<int:index>.jpg", views.shot_thumbnail, name="shot_thumbnail"),
    path("recaps/<int:recap_id>/", views.recap_detail, name="recap_detail"),
    path("recaps/<int:recap_id>/scenes/<int:index>/", views.pin_shots, name="pin_recap_shots"),
    path("recaps/<int:recap_id>/render/", views.render_recap, name="render_recap"),
    re_path(r"^recaps/(?P<recap_id>\d+)\.(?P<ext>mp4|jpg)$", views.recap_file, name="recap_file"),
]
