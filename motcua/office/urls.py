"""Back-office URLs, in Vietnamese: one URL per verb, every change by POST."""

from django.urls import path

from motcua.office.views import assisted, auth, documents, dossier, intake, notifications, queue, receipt
from motcua.office.views import feedback as feedback_views
from motcua.office.views import rating as ratings
from motcua.office.views import supplements as supplement_views
from motcua.office.views import usage as usage_views

app_name = "office"

urlpatterns = [
    path("dang-nhap/ma-xac-thuc/", auth.otp_view, name="otp"),
    path("dang-nhap/ma-xac-thuc/ma-qr.svg", auth.otp_qr, name="otp_qr"),
    path("hang-doi/", queue.queue, name="queue"),
    path("ho-so-cho-bo-sung/", supplement_views.waiting, name="supplements"),
    path("su-dung-dich-vu-cong/", usage_views.usage_page, name="usage"),
    path("thong-bao/loi/", notifications.failures, name="notification_failures"),
    path("tiep-nhan/", receipt.search, name="receipt_search"),
    path("tiep-nhan-truc-tuyen/", intake.intake, name="intake"),
    path("tiep-nhan/<str:procedure_code>/", receipt.receive, name="receive"),
    path("tiep-nhan/<str:procedure_code>/truc-tuyen/", assisted.start, name="assisted"),
    path("tiep-nhan/<str:procedure_code>/truc-tuyen/<int:draft_id>/", assisted.fill, name="assisted_form"),
    path("ho-so/<str:code>/", dossier.detail, name="dossier"),
    path("ho-so/<str:code>/tiep-nhan/", dossier.accept, name="accept"),
    path("ho-so/<str:code>/tu-choi/", dossier.refuse, name="refuse"),
    path("ho-so/<str:code>/rut-ho-so/", dossier.withdraw, name="withdraw"),
    path("ho-so/<str:code>/phan-cong/", dossier.assign, name="assign"),
    path("ho-so/<str:code>/chuyen-lien-thong/", dossier.hand_over, name="hand_over"),
    path("ho-so/<str:code>/yeu-cau-bo-sung/", dossier.request_supplement, name="request_supplement"),
    path("ho-so/<str:code>/da-bo-sung/", dossier.complete_supplement, name="complete_supplement"),
    path("ho-so/<str:code>/yeu-cau-nghia-vu-tai-chinh/", dossier.request_fees, name="request_fees"),
    path("ho-so/<str:code>/da-nop-phi/", dossier.fees_paid, name="fees_paid"),
    path("ho-so/<str:code>/xin-loi-hen-lai/", dossier.apologize, name="apologize"),
    path("ho-so/<str:code>/dung-xu-ly/", dossier.stop, name="stop"),
    path("ho-so/<str:code>/xu-ly-xong/", dossier.resolve, name="resolve"),
    path("ho-so/<str:code>/phe-duyet-ky-so/", dossier.sign, name="sign"),
    path("ho-so/<str:code>/tra-ket-qua/", dossier.return_result, name="return_result"),
    path("ho-so/<str:code>/thanh-phan/<int:pk>/", documents.component_file, name="component_file"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", documents.receipt_slip, name="receipt_pdf"),
    path("ho-so/<str:code>/phieu-tu-choi.pdf", documents.refusal, name="refusal_pdf"),
    path("ho-so/<str:code>/phieu-yeu-cau-bo-sung.pdf", documents.supplement_request, name="supplement_pdf"),
    path("ho-so/<str:code>/van-ban-xin-loi/<int:event_id>.pdf", documents.apology, name="apology_pdf"),
    path("ho-so/<str:code>/phieu-kiem-soat.pdf", documents.control_sheet_pdf, name="control_sheet_pdf"),
    path("ho-so/<str:code>/ket-qua.pdf", documents.result, name="result_pdf"),
    path("ho-so/<str:code>/ket-qua-xem-truoc.pdf", documents.result_preview, name="result_preview_pdf"),
    path("ho-so/<str:code>/ket-qua/kiem-tra-chu-ky/", documents.verify_result, name="verify_result"),
    path("phan-anh/", feedback_views.queue, name="feedback_queue"),
    path("phan-anh/qua-han/", feedback_views.overdue, name="feedback_overdue"),
    path("phan-anh/tiep-nhan/", feedback_views.new, name="feedback_new"),
    path("phan-anh/<str:code>/", feedback_views.detail, name="feedback"),
    path("phan-anh/<str:code>/phan-cong/", feedback_views.assign, name="feedback_assign"),
    path("phan-anh/<str:code>/de-nghi-bo-sung/", feedback_views.request_info, name="feedback_request_info"),
    path("phan-anh/<str:code>/da-bo-sung/", feedback_views.add_info, name="feedback_add_info"),
    path("phan-anh/<str:code>/tra-loi/", feedback_views.answer, name="feedback_answer"),
    path("phan-anh/<str:code>/tu-choi/", feedback_views.refuse, name="feedback_refuse"),
    path("phan-anh/<str:code>/chuyen-don-vi/", feedback_views.transfer, name="feedback_transfer"),
    path("phan-anh/<str:code>/cong-khai/", feedback_views.publish, name="feedback_publish"),
    path("phan-anh/<str:code>/tra-loi.pdf", feedback_views.answer_pdf, name="feedback_answer_pdf"),
    path("ho-so/<str:code>/danh-gia-tai-quay/", ratings.desk, name="rating_desk"),
    path("danh-gia-tai-quay/", ratings.desk_start, name="rating_desk_start"),
    path("danh-gia-tai-quay/cam-on/", ratings.desk_thanks, name="rating_desk_thanks"),
    path("muc-do-hai-long/it-hai-long/", ratings.weekly, name="rating_weekly"),
    path("muc-do-hai-long/it-hai-long.xlsx", ratings.weekly_xlsx, name="rating_weekly_xlsx"),
]
