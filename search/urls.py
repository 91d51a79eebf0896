from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/analytics/", views.analytics_page, name="search_analytics"),
    path("search/results/<int:result_id>/", views.search_click, name="search_click"),
    path("search/segments/<int:segment_id>.jpg", views.segment_thumbnail, name="segment_thumbnail"),
]
