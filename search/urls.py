from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/segments/<int:segment_id>.jpg", views.segment_thumbnail, name="segment_thumbnail"),
]
