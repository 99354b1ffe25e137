"""The fix-first page (/chi-so/viec-can-lam/) and its JSON (/api/v1/fix-first, documented in
docs/openapi.json with the index API)."""

from django.urls import path

from motcua.fixfirst import api, views

app_name = "fixfirst"

urlpatterns = [
    path("chi-so/viec-can-lam/", views.page, name="page"),
    path("api/v1/fix-first", api.fix_first_view, name="api"),
]
