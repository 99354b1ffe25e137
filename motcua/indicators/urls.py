"""The JSON API of the index, under /api/v1/ (documented in docs/openapi.json; pages are in page_urls)."""

from django.urls import path

from motcua.indicators import api

app_name = "api"

urlpatterns = [
    path("index", api.index, name="index"),
    path("index/extras", api.extras, name="index_extras"),
]
