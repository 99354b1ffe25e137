"""Sign-in of citizens and organisations through the identity provider (OpenID Connect)."""

from django.urls import path

from motcua.citizens import views

app_name = "citizens"

urlpatterns = [
    path("dang-nhap/", views.signin, name="signin"),
    path("dang-nhap/ve/", views.callback, name="callback"),
    path("dang-xuat/", views.signout, name="signout"),
]
