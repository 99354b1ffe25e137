"""Drafts and submission: status 1 with the online due time at once, exactly once, whole or nothing;
uploads checked by content; stored results from the personal data store (a real stand-in process)."""

import base64
import hashlib
from datetime import timedelta

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.applications import drafts, submission
from motcua.applications.models import Draft, Submission
from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.catalog.models import OnlineReductionPolicy
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier
from tests.office.conftest import AT, CITIZEN_ID, MINIMAL_PDF, PNG_BYTES

ANSWERS = {"relationship": "Cha", "child_name": "Nguyễn Minh Khôi", "child_sex": "Nam", "child_birth_date": "01/11/2025",
           "child_birth_place": "Bệnh viện A Thái Nguyên", "child_ethnicity": "Kinh", "mother_name": "Lê Thị Hoa",
           "mother_id_number": "019195001111", "commitment": "on"}


def applicant(w):
    citizen = w.citizen_account
    return submission.Applicant(identifier=citizen.identifier, known=citizen.known_data())


def ready_draft(w, **answers):
    draft = drafts.open_draft(w.citizen, w.birth, signed_in_at=AT - timedelta(minutes=6))
    drafts.save_answers(draft, {**ANSWERS, **answers}, w.citizen_account.known_data(), w.commune_b.pk)
    drafts.attach_upload(draft, "birth_certificate", SimpleUploadedFile("giay-chung-sinh.pdf", MINIMAL_PDF))
    return draft


def test_submission_files_an_online_dossier_in_status_1_with_its_online_due_time(portal_world):
    OnlineReductionPolicy.objects.create(year=2025, percent=30)
    draft = ready_draft(portal_world)
    dossier = submission.submit(draft, applicant(portal_world), actor=portal_world.citizen,
                                signed_in_at=AT - timedelta(minutes=6), at=AT)
    assert dossier.status == Status.SUBMITTED and dossier.channel == Channel.ONLINE and dossier.full_online
    # Boundary-free: filed at commune B although the citizen lives in commune A.
    assert dossier.unit == portal_world.commune_b and dossier.received_by == portal_world.commune_b
    assert dossier.code.startswith("05710-")
    # 1 working day shortened by 30%: the policy's online due, earlier than the desk's.
    assert dossier.due_at == DeadlinePolicy().due(ProcedureLimit.of(portal_world.birth), "05710", AT, online=True)
    assert dossier.due_at < DeadlinePolicy().due(ProcedureLimit.of(portal_world.birth), "05710", AT, online=False)
    assert dossier.citizen_data and not dossier.from_data_store and not dossier.reused_data and dossier.digitized
    assert dossier.applicant_id_number == CITIZEN_ID and dossier.applicant_name == "Nguyễn Văn An"
    assert [c.name for c in dossier.components.all()][0].startswith("Giấy chứng sinh")
    record = Submission.objects.get(dossier=dossier)
    assert record.seconds_from_sign_in == 360
    assert "applicant_name" in record.prefilled and record.answers["child_name"] == "Nguyễn Minh Khôi"
    assert dossier.events.get().action == "create"


def test_a_second_submission_of_the_same_draft_creates_nothing(portal_world):
    draft = ready_draft(portal_world)
    submission.submit(draft, applicant(portal_world), actor=portal_world.citizen, at=AT)
    with pytest.raises(submission.AlreadySubmitted):
        submission.submit(Draft.objects.get(pk=draft.pk), applicant(portal_world), actor=portal_world.citizen, at=AT)
    assert Dossier.objects.count() == 1


def test_an_incomplete_application_creates_nothing_and_names_every_missing_item(portal_world):
    draft = drafts.open_draft(portal_world.citizen, portal_world.birth)
    drafts.save_answers(draft, {"child_name": "Khôi"}, portal_world.citizen_account.known_data())
    with pytest.raises(submission.IncompleteApplication) as caught:
        submission.submit(draft, applicant(portal_world), actor=portal_world.citizen, at=AT)
    errors = caught.value.errors
    assert {"unit", "component:birth_certificate", "mother_name", "commitment"} <= set(errors)
    assert "child_name" not in errors and "applicant_name" not in errors  # typed / prefilled
    assert Dossier.objects.count() == 0
    assert Draft.objects.get(pk=draft.pk).submitted_at is None  # still a draft, can be completed


def test_uploads_are_checked_by_content_and_by_what_the_component_accepts(portal_world):
    draft = drafts.open_draft(portal_world.citizen, portal_world.birth)
    with pytest.raises(drafts.ApplicationError) as caught:
        drafts.attach_upload(draft, "birth_certificate", SimpleUploadedFile("giay.pdf", b"MZ\x90\x00not a pdf"))
    assert caught.value.field == "component:birth_certificate" and "giay.pdf" in str(caught.value)
    with pytest.raises(drafts.ApplicationError, match="chỉ nhận tệp PDF"):  # authorisation: PDF only
        drafts.attach_upload(draft, "authorisation", SimpleUploadedFile("uy-quyen.png", PNG_BYTES))
    assert not draft.attachments.exists()


def test_uploads_over_the_limit_are_refused(portal_world, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 100
    draft = drafts.open_draft(portal_world.citizen, portal_world.birth)
    with pytest.raises(drafts.ApplicationError, match="vượt quá giới hạn"):
        drafts.attach_upload(draft, "birth_certificate", SimpleUploadedFile("a.pdf", MINIMAL_PDF + b" " * 200))


def test_a_draft_is_resumed_and_keeps_its_form_version(portal_world):
    first = drafts.open_draft(portal_world.citizen, portal_world.birth)
    assert drafts.open_draft(portal_world.citizen, portal_world.birth).pk == first.pk
    errors = drafts.save_answers(first, {"child_birth_date": "31/02/2025", "not_a_field": "x"}, {})
    assert set(errors) == {"child_birth_date"}
    first.refresh_from_db()
    assert "not_a_field" not in first.answers


def test_a_unit_without_authority_cannot_be_chosen(portal_world):
    draft = drafts.open_draft(portal_world.citizen, portal_world.birth)
    with pytest.raises(drafts.ApplicationError) as caught:
        drafts.save_answers(draft, {}, {}, portal_world.dkkd.pk)
    assert caught.value.field == "unit"


def _store(standin, holder, code, pdf=MINIMAL_PDF):
    body = {"MaKetQua": code, "MaHoSo": f"HS-{code}", "MaTTHC": "1.004873", "SoDinhDanh": holder,
            "NgayCap": "20250101090000", "SHA256": hashlib.sha256(pdf).hexdigest(),
            "TepPDF": base64.b64encode(pdf).decode()}
    response = httpx.post(f"{standin.url}/ket-qua", json=body, headers=standin.headers(code))
    assert response.status_code == 200, response.text


def test_a_stored_result_attaches_instead_of_an_upload_and_the_dossier_reuses_data(portal_world, store_settings,
                                                                                   datastore_standin):
    _store(datastore_standin, CITIZEN_ID, "KQ-MINE-1")
    _store(datastore_standin, "019190005678", "KQ-THEIRS-1")
    draft = drafts.open_draft(portal_world.citizen, portal_world.copy)
    with pytest.raises(drafts.ApplicationError, match="không có kết quả KQ-THEIRS-1"):
        drafts.attach_stored_result(draft, "original_scan", "KQ-THEIRS-1", CITIZEN_ID)
    attachment = drafts.attach_stored_result(draft, "original_scan", "KQ-MINE-1", CITIZEN_ID)
    assert attachment.stored_result_code == "KQ-MINE-1"
    assert attachment.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    drafts.save_answers(draft, {"document_name": "Bằng tốt nghiệp", "copies": "2"},
                        portal_world.citizen_account.known_data(), portal_world.commune_a.pk)
    dossier = submission.submit(draft, applicant(portal_world), actor=portal_world.citizen, at=AT)
    assert dossier.from_data_store and dossier.reused_data and dossier.citizen_data
    assert dossier.components.get().from_data_store


def test_the_data_store_down_is_a_clear_error_and_changes_nothing(portal_world, store_settings, datastore_standin):
    draft = drafts.open_draft(portal_world.citizen, portal_world.copy)
    datastore_standin.kill()
    with pytest.raises(drafts.ApplicationError, match="Không kết nối được kho dữ liệu"):
        drafts.attach_stored_result(draft, "original_scan", "KQ-MINE-1", CITIZEN_ID)
    assert not draft.attachments.exists()
