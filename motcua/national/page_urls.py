"""The national comparison page (/chi-so/toan-quoc/), beside the index pages of /chi-so/."""

from django.urls import path

from motcua.national import views

app_name = "national"

urlpatterns = [
    path("chi-so/toan-quoc/", views.comparison, name="comparison"),
]
