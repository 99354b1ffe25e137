"""The citizen portal's URLs (cổng dịch vụ công của tỉnh), in Vietnamese, under /dich-vu-cong/."""

from django.urls import path

from motcua.portal.views import catalog

app_name = "portal"

urlpatterns = [
    path("", catalog.catalog_search, name="catalog"),
    path("thu-tuc/<str:code>/", catalog.procedure, name="procedure"),
]
