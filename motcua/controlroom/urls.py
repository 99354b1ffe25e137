"""The leaders' control room under /dieu-hanh/."""

from django.urls import path

from motcua.controlroom import views

app_name = "controlroom"

urlpatterns = [
    path("", views.province, name="province"),
    path("so-lieu.json", views.province_live, name="province_live"),
    path("don-vi/<str:code>/", views.unit, name="unit"),
    path("don-vi/<str:code>/so-lieu.json", views.unit_live, name="unit_live"),
]
