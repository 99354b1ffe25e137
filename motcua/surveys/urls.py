"""The provincial office's survey pages, under /khao-sat/: define, open, invite, read the results."""

from django.urls import path

from motcua.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("moi/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="survey"),
    path("<int:pk>/sua/", views.survey_edit, name="edit"),
    path("<int:pk>/phien-ban-moi/", views.survey_new_version, name="new_version"),
    path("<int:pk>/mo-dot/", views.opening_new, name="open"),
    path("dot/<int:pk>/", views.opening_detail, name="opening"),
    path("dot/<int:pk>/gui-loi-moi/", views.opening_invite, name="invite"),
    path("dot/<int:pk>/ket-qua.xlsx", views.opening_xlsx, name="xlsx"),
]
