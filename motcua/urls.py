from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from motcua.office.views import auth as office_auth
from motcua.office.views import favicon as office_favicon
from motcua.pages import views as pages
from motcua.portal.views import rating as portal_rating

admin.site.site_header = "Quản trị hệ thống một cửa Thái Nguyên"
admin.site.site_title = "motcua"

urlpatterns = [
    path("", pages.home, name="home"),
    path("favicon.ico", office_favicon.favicon, name="favicon"),
    path("dang-nhap/", office_auth.login_view, name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("chi-so/", include("motcua.indicators.page_urls")),
    path("api/v1/", include("motcua.indicators.urls")),
    path("", include("motcua.fixfirst.urls")),  # /chi-so/viec-can-lam/ and /api/v1/fix-first
    path("", include("motcua.national.page_urls")),  # /chi-so/toan-quoc/
    path("bao-cao/", include("motcua.reports.urls")),
    path("dieu-hanh/", include("motcua.controlroom.urls")),
    path("dong-bo/", include("motcua.sync.urls")),
    path("dich-vu-cong/", include("motcua.citizens.urls")),
    path("dich-vu-cong/", include("motcua.portal.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("khao-sat/", include("motcua.surveys.urls")),
    path("ke-hoach/", include("motcua.plans.urls")),
    path("chi-tieu/", include("motcua.targets.urls")),
    # The rating invitation's link (motcua.ratings.links): public, no sign-in, one use.
    path("danh-gia/<str:token>/", portal_rating.by_link, name="rating_link"),
    path("", include("motcua.forecasting.urls")),  # /canh-bao-tre-han/, /du-bao/
    path("", include("motcua.office.urls")),
]

# Branded Vietnamese error pages (templates/400.html, 403.html, 404.html, 500.html).
handler500 = "motcua.pages.errors.server_error"
