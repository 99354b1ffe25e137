"""The desk takes an optional e-mail address at receipt: the dossier keeps it and the receipt notice goes
there; a malformed address is refused with the rest of the form."""

import re

import pytest

from motcua.dossiers.models import Dossier
from motcua.outbox.models import Item
from tests.office.conftest import CITIZEN_ID, pdf_upload

pytestmark = pytest.mark.django_db


def _token(client, procedure_code):
    page = client.get(f"/tiep-nhan/{procedure_code}/").content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)


def _birth_files(world):
    a, b = world.birth.components.order_by("position")
    return {f"file_{a.pk}": pdf_upload(), f"file_{b.pk}": pdf_upload("chung-sinh.pdf")}


def _post(client, procedure_code, token, unit, files, **extra):
    data = {"token": token, "unit": unit.pk, "applicant_name": "Nguyễn Văn An", "applicant_id_number": CITIZEN_ID,
            "applicant_phone": "0912345678", "applicant_address": "Tổ 5", "decision": "receive", **files, **extra}
    return client.post(f"/tiep-nhan/{procedure_code}/", data)


def test_the_email_given_at_the_desk_gets_the_receipt_notice(world, client_of):
    client = client_of(world.desk_a)
    page = client.get("/tiep-nhan/1.001193/").content.decode()
    assert 'name="applicant_email"' in page and "Thư điện tử (để nhận thông báo)" in page
    response = _post(client, "1.001193", _token(client, "1.001193"), world.commune_a, _birth_files(world),
                     applicant_email="an.nguyen@example.vn")
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_email == "an.nguyen@example.vn"
    email = Item.objects.get(kind="notify.email", group=dossier.code)
    assert email.payload["to"] == "an.nguyen@example.vn" and email.payload["event"] == "receipt"
    assert Item.objects.filter(kind="notify.sms", group=dossier.code).count() == 1


def test_a_malformed_email_is_refused_and_nothing_is_received(world, client_of):
    client = client_of(world.desk_a)
    response = _post(client, "1.001193", _token(client, "1.001193"), world.commune_a, _birth_files(world),
                     applicant_email="an.nguyen@")
    assert response.status_code == 400 and "Địa chỉ thư điện tử không hợp lệ." in response.content.decode()
    assert not Dossier.objects.exists() and not Item.objects.filter(kind__startswith="notify.").exists()


def test_the_email_is_filled_in_from_the_applicants_last_dossier(world, client_of):
    client = client_of(world.desk_a)
    _post(client, "1.001193", _token(client, "1.001193"), world.commune_a, _birth_files(world),
          applicant_email="an.nguyen@example.vn")
    page = client.get(f"/tiep-nhan/1.001193/?cccd={CITIZEN_ID}").content.decode()
    assert 'value="an.nguyen@example.vn"' in page
