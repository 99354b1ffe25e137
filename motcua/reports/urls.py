from django.urls import path

from motcua.reports import views

app_name = "reports"

urlpatterns = [
    path("chi-so-766-tuan.xlsx", views.weekly_xlsx_download, name="weekly_xlsx"),
    path("chi-so-766-tuan.pdf", views.weekly_pdf_download, name="weekly_pdf"),
    path("phat-hanh/", views.issue_form, name="issue"),
    path("phat-hanh/xem-truoc.<str:fmt>", views.preview_file, name="preview_file"),
    path("da-phat-hanh/", views.published_list, name="published_list"),
    path("da-phat-hanh/<int:pk>/", views.published_detail, name="published"),
    path("da-phat-hanh/<int:pk>/tep.<str:fmt>", views.published_file, name="published_file"),
    path("da-phat-hanh/<int:pk>/so-sanh/", views.published_diff, name="published_diff"),
]
