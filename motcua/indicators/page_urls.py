"""The index pages for officers, under /chi-so/ (the JSON API of the live engine has its own urls.py)."""

from django.urls import path

from motcua.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.index_table, name="table"),
    path("xep-hang/", views.ranking_table, name="ranking"),
    path("tut-hau/", views.lagging_lists, name="lagging"),
    path("chi-tieu/<str:indicator_id>/", views.indicator_members, name="members"),
]
