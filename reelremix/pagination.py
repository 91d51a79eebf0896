"""Pages of API lists: `?page=N`, and `?page_size=` up to MAX_PAGE_SIZE rows (50 by default)."""

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
