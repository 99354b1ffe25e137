from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.core import views as core_views

admin.site.site_header = "Quản trị hệ thống một cửa Thái Nguyên"
admin.site.site_title = "motcua"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
