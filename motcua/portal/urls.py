"""The citizen portal's URLs (cổng dịch vụ công của tỉnh), in Vietnamese, under /dich-vu-cong/."""

from django.urls import path

from motcua.portal.views import apply, catalog, lookup, mine, rating, survey, timing
from motcua.portal.views import feedback as feedback_views

app_name = "portal"

urlpatterns = [
    path("", catalog.catalog_search, name="catalog"),
    path("thu-tuc/<str:code>/", catalog.procedure, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", apply.apply, name="apply"),
    path("ban-nhap/", apply.drafts_list, name="drafts"),
    path("ban-nhap/<int:pk>/", apply.draft, name="draft"),
    path("ban-nhap/<int:pk>/tu-dong-luu/", apply.autosave, name="autosave"),
    path("ho-so-cua-toi/", mine.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", mine.dossier, name="dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", mine.answer_supplement, name="answer_supplement"),
    path("ho-so-cua-toi/<str:code>/ket-qua.pdf", mine.result_pdf, name="result_pdf"),
    path("ho-so-cua-toi/<str:code>/ket-qua/kiem-tra-chu-ky/", mine.verify_result, name="verify_result"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", rating.rate_own, name="rate"),
    path("khao-sat/", survey.my_surveys, name="surveys"),
    path("khao-sat/<int:pk>/", survey.answer_mine, name="survey_answer"),
    path("khao-sat/tra-loi/<str:token>/", survey.answer_by_link, name="survey_token"),
    path("khao-sat/cam-on/", survey.thanks, name="survey_thanks"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("thoi-gian-nop-ho-so/", timing.submission_times, name="submission_times"),
    path("phan-anh/", feedback_views.published, name="feedback_public"),
    path("phan-anh/gui/", feedback_views.file, name="feedback_file"),
    path("phan-anh/cua-toi/", feedback_views.mine, name="my_feedback"),
    path("phan-anh/cua-toi/<str:code>/", feedback_views.item_page, name="my_feedback_item"),
    path("phan-anh/cua-toi/<str:code>/danh-gia/", feedback_views.rate, name="my_feedback_rate"),
    path("phan-anh/cua-toi/<str:code>/phan-anh-lai/", feedback_views.raise_again, name="my_feedback_raise_again"),
    path("phan-anh/cua-toi/<str:code>/bo-sung/", feedback_views.add_info, name="my_feedback_add_info"),
    path("phan-anh/cua-toi/<str:code>/tra-loi.pdf", feedback_views.answer_pdf, name="my_feedback_answer_pdf"),
]
