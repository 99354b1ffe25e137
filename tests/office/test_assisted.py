"""Assisted online submission at the desk: the citizen's consent first, then his online application filed under
his number; once only; procedures that must be filed online offer only this route."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.applications.definitions import load_forms
from motcua.applications.models import Draft, Submission
from motcua.catalog.models import Procedure
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier, DossierEvent
from tests.office.conftest import PNG_BYTES, pdf_upload

pytestmark = pytest.mark.django_db
CITIZEN = {"identifier": "001085012345", "name": "Trần Thị Bình", "phone": "0987654321", "email": "binh@example.vn"}
START = "/tiep-nhan/2.000815/truc-tuyen/"


@pytest.fixture
def forms(world):
    load_forms()


def _start(client, **overrides):
    data = {**CITIZEN, "consent": "on", **overrides}
    return client.post(START, {k: v for k, v in data.items() if v is not None})


def _form_url(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert re.fullmatch(r"/tiep-nhan/2\.000815/truc-tuyen/\d+/", response["Location"])
    return response["Location"]


def _application(world, **overrides):
    # What the browser posts: the particulars shown filled in from the first step, and what the officer typed.
    data = {"applicant_name": CITIZEN["name"], "applicant_id_number": CITIZEN["identifier"],
            "applicant_phone": CITIZEN["phone"], "applicant_email": CITIZEN["email"],
            "applicant_address": "Tổ 3, phường Phan Đình Phùng", "document_name": "Học bạ", "copies": "3",
            "unit": world.commune_a.pk, "decision": "submit", "file_original_scan": pdf_upload("hoc-ba.pdf")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _field_error(page, name):
    """The error shown in the paragraph of form field `name` (empty if none)."""
    block = re.search(rf'<p class="field" data-field="{name}">(.*?)</p>', page, re.S).group(1)
    found = re.search(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', block)
    return found.group(1) if found else ""


def test_the_desk_files_the_citizens_application_online_with_his_consent(world, forms, client_of):
    client = client_of(world.desk_a)
    before = timezone.now()
    url = _form_url(_start(client))
    form_page = client.get(url).content.decode()
    # The particulars typed at the first step answer the form's own fields.
    assert 'value="Trần Thị Bình"' in form_page and 'value="001085012345"' in form_page
    assert f'<option value="{world.commune_a.pk}" selected>' in form_page
    response = client.post(url, _application(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ho-so/{dossier.code}/"
    assert (dossier.channel, dossier.status, dossier.received_by, dossier.unit, dossier.holder) == (
        Channel.ONLINE, Status.SUBMITTED, world.commune_a, world.commune_a, None)
    assert (dossier.applicant_id_number, dossier.applicant_name, dossier.applicant_phone, dossier.applicant_email) == (
        CITIZEN["identifier"], CITIZEN["name"], CITIZEN["phone"], CITIZEN["email"])
    assert dossier.citizen_data is False  # nothing came from the population data at the desk
    record = Submission.objects.get(dossier=dossier)
    assert record.assisted_by == world.desk_a and record.prefilled == []
    assert before <= record.consent_at <= record.submitted_at
    draft = Draft.objects.get(dossier=dossier)
    assert (draft.owner, draft.assisted_by) == (world.desk_a, world.desk_a)
    created = DossierEvent.objects.get(dossier=dossier, action="create")
    assert (created.actor, created.data["assisted_by"]) == (world.desk_a, world.desk_a.username)
    assert [c.name for c in dossier.components.all()] == [
        "Bản chụp bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"]
    # The dossier page says who filed it and when the citizen consented.
    page = client.get(response["Location"]).content.decode()
    assisted = re.search(r'<p id="assisted">(.*?)</p>', page, re.S).group(1)
    assert "Nộp trực tuyến có hỗ trợ" in assisted and "Nguyễn Thị Tiếp" in assisted
    # It waits in the chosen unit's intake queue, flagged as assisted; the citizen will see it in the portal.
    intake = client.get("/tiep-nhan-truc-tuyen/").content.decode()
    row = re.search(rf'data-code="{dossier.code}">(.*?)</tr>', intake, re.S).group(1)
    assert "Nộp có hỗ trợ" in row
    citizen = world.citizen
    citizen.username = CITIZEN["identifier"]
    assert list(Dossier.objects.visible_to(citizen)) == [dossier]


def test_the_desk_may_accept_it_at_once(world, forms, client_of):
    client = client_of(world.desk_a)
    client.post(_form_url(_start(client)), _application(world))
    dossier = Dossier.objects.get()
    assert client.post(f"/ho-so/{dossier.code}/tiep-nhan/", {"version": dossier.version}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_filed_to_another_competent_unit_it_waits_at_that_units_desk(world, forms, client_of):
    client = client_of(world.desk_a)
    response = client.post(_form_url(_start(client)), _application(world, unit=world.commune_b.pk))
    assert response.status_code == 302 and response["Location"] == "/tiep-nhan-truc-tuyen/"
    dossier = Dossier.objects.get()
    assert (dossier.received_by, dossier.unit) == (world.commune_b, world.commune_b)
    assert f'data-code="{dossier.code}"' in client_of(world.desk_b).get("/tiep-nhan-truc-tuyen/").content.decode()
    assert f'data-code="{dossier.code}"' not in client.get("/tiep-nhan-truc-tuyen/").content.decode()


def test_without_the_citizens_consent_nothing_starts(world, forms, client_of):
    response = _start(client_of(world.desk_a), consent=None)
    assert response.status_code == 400
    page = response.content.decode()
    consent = re.search(r'<p id="consent">(.*?)</p>', page, re.S).group(1)
    assert "Cần có sự đồng ý của công dân" in consent
    assert not Draft.objects.exists() and not Dossier.objects.exists()


def test_the_citizens_number_and_phone_are_checked(world, forms, client_of):
    response = _start(client_of(world.desk_a), identifier="12345", phone="12")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số định danh cá nhân gồm đúng 12 chữ số" in page and "Số điện thoại gồm 10 chữ số" in page
    assert not Draft.objects.exists()


def test_a_form_posted_twice_files_one_dossier(world, forms, client_of):
    client = client_of(world.desk_a)
    url = _form_url(_start(client))
    first = client.post(url, _application(world))
    second = client.post(url, _application(world))
    assert Dossier.objects.count() == 1 and Submission.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_errors_are_shown_next_to_their_fields_and_the_files_kept(world, forms, client_of):
    client = client_of(world.desk_a)
    url = _form_url(_start(client))
    response = client.post(url, _application(world, document_name="", copies="ba"))
    assert response.status_code == 400
    page = response.content.decode()
    assert _field_error(page, "document_name") == "Vui lòng nhập thông tin này."
    assert _field_error(page, "copies") == "Vui lòng nhập một số."
    assert _field_error(page, "applicant_address") == ""
    assert "hoc-ba.pdf" in page  # the upload was kept with the draft
    assert not Dossier.objects.exists()
    # A file that is not what the component accepts is refused next to it.
    response = client.post(url, _application(world, file_original_scan=pdf_upload("a.pdf", PNG_BYTES, "image/png")))
    assert response.status_code == 400
    refusal = re.search(r'id="error_file_original_scan"><li>(.*?)</li>', response.content.decode()).group(1)
    assert "PNG" in refusal
    # Corrected, without choosing the file again: filed.
    assert client.post(url, _application(world, file_original_scan=None)).status_code == 302
    assert Dossier.objects.get().components.count() == 1


def test_a_draft_left_for_another_citizen_is_started_afresh(world, forms, client_of):
    client = client_of(world.desk_a)
    url = _form_url(_start(client))
    client.post(url, _application(world, decision="save"))
    assert Draft.objects.get().attachments.count() == 1
    other = _form_url(_start(client, identifier="002090011111", name="Lý Văn Khác"))
    first, draft = Draft.objects.order_by("pk")  # a new draft for each citizen served
    assert other != url and draft.attachments.count() == 0
    assert draft.answers["applicant_name"] == "Lý Văn Khác" and "document_name" not in draft.answers
    assert first.answers["applicant_name"] != "Lý Văn Khác" and first.attachments.count() == 1


def test_only_the_desk_files_and_only_its_own_drafts(world, forms, client_of):
    assert client_of(world.processor_a).get(START).status_code == 403
    assert client_of(world.citizen).get(START).status_code == 403
    url = _form_url(_start(client_of(world.desk_a)))
    assert client_of(world.desk_b).get(url).status_code == 404
    assert client_of(world.desk_b).post(url, _application(world)).status_code == 404
    assert not Dossier.objects.exists()


def test_a_procedure_that_must_be_filed_online_offers_only_the_assisted_route(world, forms, client_of):
    Procedure.objects.filter(pk=world.copy.pk).update(online_required=True)
    client = client_of(world.desk_a)
    page = client.get("/tiep-nhan/2.000815/").content.decode()
    assert "Thủ tục này bắt buộc nộp trực tuyến." in page
    assert f'href="{START}"' in page and 'id="receipt-form"' not in page
    response = client.post("/tiep-nhan/2.000815/", {"applicant_name": "Nguyễn Văn An", "decision": "receive"})
    assert response.status_code == 400 and not Dossier.objects.exists()
    # Other procedures keep the paper receipt, with the assisted route beside it.
    page = client.get("/tiep-nhan/1.001193/").content.decode()
    assert 'id="receipt-form"' in page and 'href="/tiep-nhan/1.001193/truc-tuyen/"' in page


def _admin_data(procedure, **overrides):
    data = {"code": procedure.code, "name": procedure.name, "field": procedure.field, "level": procedure.level,
            "time_limit": "0.5", "time_unit": procedure.time_unit, "fee_vnd": "2000", "written_result": "on",
            "online_level": procedure.online_level, "for_citizens": "on", "decision_date": "2025-06-25",
            "legal_effective_date": "2025-07-01", "parts_complete": "on", "position": "3",
            "components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0", "components-MIN_NUM_FORMS": "0",
            "components-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def test_the_admin_refuses_online_required_on_a_procedure_not_eligible(world, client_of):
    client = client_of(world.admin)
    url = f"/admin/catalog/procedure/{world.copy.pk}/change/"
    refused = client.post(url, _admin_data(world.copy, online_required="on"))  # full_online_eligible unticked
    assert refused.status_code == 200
    assert "Chỉ thủ tục đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình" in refused.content.decode()
    assert Procedure.objects.get(pk=world.copy.pk).online_required is False
    saved = client.post(url, _admin_data(world.copy, online_required="on", full_online_eligible="on"))
    assert saved.status_code == 302
    assert Procedure.objects.get(pk=world.copy.pk).online_required is True


def test_consent_time_is_the_consent_not_the_submission(world, forms, client_of):
    """The consent is recorded when given (step 1), before the application is filled and filed."""
    client = client_of(world.desk_a)
    url = _form_url(_start(client))
    draft = Draft.objects.get()
    Draft.objects.filter(pk=draft.pk).update(consent_at=draft.consent_at - timedelta(minutes=7))
    client.post(url, _application(world))
    record = Submission.objects.get()
    assert record.submitted_at - record.consent_at >= timedelta(minutes=7)
