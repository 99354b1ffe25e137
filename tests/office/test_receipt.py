"""Receipt at the desk: procedure search, the receipt itself, and the bad input it must refuse whole."""

import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, Handover
from motcua.office.models import SubmissionToken
from tests.office.conftest import AT, CITIZEN_ID, MINIMAL_PDF, PNG_BYTES, pdf_upload, receive

pytestmark = pytest.mark.django_db


def _token(client, procedure_code):
    page = client.get(f"/tiep-nhan/{procedure_code}/").content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)


def _post(client, procedure_code, token, unit, files=None, **extra):
    data = {"token": token, "unit": unit.pk, "applicant_name": "Nguyễn Văn An", "applicant_id_number": CITIZEN_ID,
            "applicant_phone": "0912345678", "applicant_address": "Tổ 5", "decision": "receive"}
    data.update(files or {})
    data.update(extra)
    return client.post(f"/tiep-nhan/{procedure_code}/", data)


def _birth_files(world, first=None, second=None):
    a, b = world.birth.components.order_by("position")
    return {f"file_{a.pk}": first or pdf_upload(), f"file_{b.pk}": second or pdf_upload("chung-sinh.pdf")}


def _stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_search_ignores_vietnamese_diacritics_and_case(world, client_of):
    client = client_of(world.desk_a)
    for query in ("dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "ho kinh doanh"):
        page = client.get("/tiep-nhan/", {"q": query}).content.decode()
        expected = "1.001193" if "sinh" in query.lower() else "2.000046"
        assert expected in page, query


def test_desk_of_a_commune_receives_a_provincial_procedure_decided_by_another_unit(world, client_of, media_root):
    client = client_of(world.desk_a)
    token = _token(client, "2.000046")
    first, second = world.business.components.order_by("position")
    with time_machine.travel(AT, tick=False):
        response = _post(client, "2.000046", token, world.dkkd,
                         files={f"file_{first.pk}": pdf_upload(), f"paper_{second.pk}": "on"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{dossier.code}/"
    assert dossier.code == "05443-251105-0001"  # the receiving desk's code, not the competent unit's
    assert (dossier.received_by, dossier.unit, dossier.holder) == (world.commune_a, world.dkkd, world.dkkd)
    assert dossier.status == Status.RECEIVED and dossier.fee_vnd == 100000
    # 3 working days from Wednesday 09:00 = Monday 09:00.
    assert dossier.due_at == datetime.fromisoformat("2025-11-10T09:00:00+07:00")
    assert not dossier.digitized  # one component was received on paper only
    assert [(c.name, c.digitized) for c in DossierComponent.objects.order_by("id")] == [
        ("Giấy đề nghị đăng ký hộ kinh doanh", True), ("Bản sao giấy tờ pháp lý của chủ hộ", False)]
    assert Handover.objects.get().unit == world.dkkd
    event = DossierEvent.objects.get()
    assert (event.action, event.actor, event.new_status) == ("create", world.desk_a, Status.RECEIVED)
    assert len(_stored_files(media_root)) == 1


def test_applicant_is_looked_up_from_an_earlier_visible_dossier(world, client_of):
    receive(world)
    page = client_of(world.desk_a).get("/tiep-nhan/1.001193/", {"cccd": CITIZEN_ID}).content.decode()
    assert "Nguyễn Văn An" in page and "0912345678" in page


@pytest.mark.parametrize(("content", "message"), [
    (PNG_BYTES, "mang tên tệp PDF nhưng nội dung là PNG"),
    (b"MZ\x90\x00 not a document at all", "không phải tệp PDF, PNG hoặc JPEG"),
    (b"<html><script>alert(1)</script>", "không phải tệp PDF, PNG hoặc JPEG"),
])
def test_a_pdf_name_over_other_content_is_refused_and_nothing_is_saved(world, client_of, media_root, content,
                                                                        message):
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    fake = SimpleUploadedFile("giay-chung-sinh.pdf", content, "application/pdf")
    response = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world, second=fake))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists() and not DossierComponent.objects.exists()
    assert _stored_files(media_root) == []


def test_a_scan_is_accepted_by_its_content_and_stored_as_what_it_is(world, client_of):
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    scan = SimpleUploadedFile("scan-0001", PNG_BYTES, "application/octet-stream")
    response = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world, second=scan))
    assert response.status_code == 302
    component = DossierComponent.objects.get(name="Giấy chứng sinh")
    assert component.content_type == "image/png" and component.file.name.endswith(".png")


def test_an_oversized_file_is_refused_and_nothing_is_saved(world, client_of, settings, media_root):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 1024
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    big = pdf_upload(content=MINIMAL_PDF + b"%" * 2048)
    response = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world, second=big))
    assert response.status_code == 400
    assert "vượt quá giới hạn" in response.content.decode()
    assert not Dossier.objects.exists() and _stored_files(media_root) == []
    assert SubmissionToken.objects.get(token=token).used_at is None  # the corrected form can still be sent


def test_missing_required_components_are_named_and_nothing_is_saved(world, client_of, media_root):
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    first = world.birth.components.order_by("position").first()
    response = _post(client, "1.001193", token, world.commune_a, files={f"file_{first.pk}": pdf_upload()})
    assert response.status_code == 400
    assert "Thiếu thành phần hồ sơ bắt buộc: Giấy chứng sinh" in response.content.decode()
    assert not Dossier.objects.exists() and _stored_files(media_root) == []


def test_a_failure_inside_the_receipt_leaves_no_dossier_and_no_file(world, client_of, media_root, monkeypatch):
    from motcua.office import actions

    def broken(*args, **kwargs):
        raise RuntimeError("mất kết nối cơ sở dữ liệu")
    monkeypatch.setattr(actions, "create_dossier", broken)
    client = client_of(world.desk_a)
    client.raise_request_exception = False
    token = _token(client, "1.001193")
    response = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world))
    assert response.status_code == 500
    assert not Dossier.objects.exists() and not Handover.objects.exists() and _stored_files(media_root) == []


def test_a_receipt_form_posted_twice_creates_one_dossier(world, client_of):
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    first = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world))
    second = _post(client, "1.001193", token, world.commune_a, files=_birth_files(world))
    assert first.status_code == 302 and second.status_code == 302
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Biểu mẫu này đã được gửi trước đó" in page


def test_refusal_at_receipt_records_the_reason_and_needs_no_components(world, client_of):
    client = client_of(world.desk_a)
    token = _token(client, "1.001193")
    response = _post(client, "1.001193", token, world.commune_a, decision="refuse", refusal_reason="")
    assert response.status_code == 400 and "Vui lòng ghi lý do từ chối" in response.content.decode()
    response = _post(client, "1.001193", token, world.commune_a, decision="refuse",
                     refusal_reason="Giấy chứng sinh không phải bản chính.")
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.REFUSED and dossier.ended == "refused"
    assert list(dossier.events.values_list("action", flat=True)) == ["create", "refuse"]
    assert client.get(f"/ho-so/{dossier.code}/phieu-tu-choi.pdf").status_code == 200


def test_only_desk_officers_and_leaders_receive(world, client_of):
    for person in ("processor_a", "viewer_a", "monitor"):
        client = client_of(getattr(world, person))
        assert client.get("/tiep-nhan/").status_code == 403, person
        assert client.get("/tiep-nhan/1.001193/").status_code == 403, person
