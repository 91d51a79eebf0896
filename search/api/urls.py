from django.urls import path

from search.api.views import search

urlpatterns = [path("search/", search, name="api-search")]
