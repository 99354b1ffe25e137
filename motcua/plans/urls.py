"""Plan tasks and reports, under /ke-hoach/."""

from django.urls import path

from motcua.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("chien-dich/", views.campaign_page, name="campaign"),
    path("nhiem-vu/<int:pk>/", views.task_page, name="task"),
    path("nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task_update"),
    path("nhiem-vu/<int:pk>/minh-chung/", views.task_evidence, name="task_evidence"),
    path("minh-chung/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("<slug:key>/", views.overview, name="overview"),
    path("<slug:key>/cua-toi/", views.my_tasks, name="mine"),
    path("<slug:key>/bao-cao-thang/", views.monthly_form, name="monthly"),
    path("<slug:key>/chua-bao-cao/", views.not_reported_page, name="not_reported"),
]
