from django.urls import path

from search.api.views import click, search

urlpatterns = [
    path("search/", search, name="api-search"),
    path("search/<int:search_id>/clicks/", click, name="api-search-click"),
]
