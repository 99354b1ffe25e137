"""The national-portal sync pages, under /dong-bo/."""

from django.urls import path

from motcua.sync import views

app_name = "sync"

urlpatterns = [
    path("", views.status_page, name="status"),
    path("gui-lai/<int:pk>/", views.retry, name="retry"),
]
