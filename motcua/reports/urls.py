from django.urls import path

from motcua.reports import views

app_name = "reports"

urlpatterns = [
    path("chi-so-766-tuan.xlsx", views.weekly_xlsx_download, name="weekly_xlsx"),
    path("chi-so-766-tuan.pdf", views.weekly_pdf_download, name="weekly_pdf"),
]
