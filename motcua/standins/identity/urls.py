from django.urls import include, path

from motcua.standins.identity import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("_standin/faults", views.control_faults),
    path("_standin/down", views.control_down),
    path("_standin/clear", views.control_clear),
    path("_standin/state", views.control_state),
    path("_standin/reset", views.control_reset),
    path("_standin/people", views.control_people),
    path("", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
