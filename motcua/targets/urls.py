"""The target pages, under /chi-tieu/."""

from django.urls import path

from motcua.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="list"),
    path("moi/", views.target_new, name="new"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/dieu-chinh/", views.target_change, name="change"),
    path("<int:pk>/thu-hoi/", views.target_withdraw, name="withdraw"),
]
