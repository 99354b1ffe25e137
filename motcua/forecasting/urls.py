from django.urls import path

from motcua.forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("canh-bao-tre-han/", views.early_warning, name="early_warning"),
    path("du-bao/", views.forecast, name="forecast"),
]
