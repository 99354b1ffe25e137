"""The desk's PDFs read back as text, and the signed result checked by two independent validators."""

import re
import shutil
import subprocess
from io import BytesIO

import pytest
import time_machine
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.office import actions, pdfs
from motcua.office.models import DossierResult
from motcua.results.certificates import ensure_demo_pki
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (CI does)")
    return path


def pdftotext(content: bytes, tmp_path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(content)
    run = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True,
                         check=True)
    # Lines are wrapped by the layout; the checks are about words, not line breaks.
    return " ".join(run.stdout.decode("utf-8").split())


def pdfsig(content: bytes, tmp_path, *flags) -> str:
    source = tmp_path / "signed.pdf"
    source.write_bytes(content)
    run = subprocess.run([tool("pdfsig"), *flags, str(source)], capture_output=True, timeout=60)
    return run.stdout.decode("utf-8") + run.stderr.decode("utf-8", "replace")


def test_the_receipt_slip_shows_the_code_the_due_time_and_the_components(world, client_of, tmp_path):
    with time_machine.travel(AT, tick=False):
        dossier = receive(world, procedure=world.business, unit=world.dkkd)
        response = client_of(world.desk_a).get(f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf")
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store, private"
    text = pdftotext(response.content, tmp_path)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "05443-251105-0001" in text
    # Due time from the working-time module: 3 working days after Wednesday 09:00 = Monday 10/11 09:00.
    assert "09 giờ 00 phút, ngày 10/11/2025" in text
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in text and "Phòng Đăng ký kinh doanh" in text
    assert "Nguyễn Văn An" in text and "100.000 đồng" in text


def test_refusal_supplement_apology_and_control_sheet_read_back(world, tmp_path):
    with time_machine.travel(AT, tick=False):
        refused = receive(world, id_number="019090007777")
        refused = actions.do_refuse_at_receipt(refused, actor=world.desk_a, reason="Tờ khai không có chữ ký.",
                                               version=refused.version)
        dossier = receive(world)
        dossier = actions.do_request_supplement(dossier, actor=world.processor_a, reason="Nộp bản chính giấy "
                                                "chứng sinh.", version=dossier.version)
        dossier = actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version)
        dossier = actions.do_apologize(dossier, actor=world.leader_a, reason="Chờ xác minh nơi cư trú.",
                                       new_due=AT.replace(day=12, hour=16), version=dossier.version)
    assert "Tờ khai không có chữ ký." in pdftotext(pdfs.refusal(refused), tmp_path)
    assert "Nộp bản chính giấy chứng sinh." in pdftotext(pdfs.supplement_request(dossier), tmp_path)
    apology = dossier.events.get(action="apologize")
    text = pdftotext(pdfs.apology(dossier, apology), tmp_path)
    assert "XIN LỖI" in text and "16 giờ 00 phút, ngày 12/11/2025" in text and "Chờ xác minh nơi cư trú." in text
    from motcua.office.clock import control_sheet
    from motcua.units.calendars import CalendarBook

    rows = control_sheet(dossier, CalendarBook(), AT.replace(hour=10))
    text = pdftotext(pdfs.control_sheet(dossier, rows, AT.replace(hour=10)), tmp_path)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Phan Đình Phùng" in text
    assert pdfs.refusal(dossier) is None  # no refusal, no refusal slip


@pytest.fixture
def signed_result(world, client_of):
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    dossier = actions.do_assign(dossier, actor=world.dept_leader, assignee=world.dept_processor,
                                version=dossier.version)
    dossier = actions.do_resolve(dossier, actor=world.dept_processor, result_text="Cấp Giấy chứng nhận đăng ký hộ "
                                 "kinh doanh số 17A8000123.", version=dossier.version)
    response = client_of(world.dept_leader).post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                                                 {"version": dossier.version, "reviewed": "on"})
    assert response.status_code == 302
    result = DossierResult.objects.get(dossier=dossier)
    return client_of(world.desk_a).get(f"/ho-so/{dossier.code}/ket-qua.pdf").content, result


def _pyhanko_status(content: bytes):
    """pyHanko's own validator, trusting only the demo root (not the project's verify_pdf wrapper)."""
    root = load_cert_from_pemder(str(ensure_demo_pki(pdfs.pki_dir())))
    signature = PdfFileReader(BytesIO(content), strict=False).embedded_signatures[0]
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    return validate_pdf_signature(signature, signer_validation_context=context)


def test_the_signed_result_validates_with_pyhanko_and_pdfsig(signed_result, tmp_path):
    content, result = signed_result
    status = _pyhanko_status(content)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Phòng Đăng ký kinh doanh, Sở Tài chính"
    out = pdfsig(content, tmp_path, "-nocert")
    assert "Signature Validation: Signature is Valid." in out
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Total document signed" in out
    text = pdftotext(content, tmp_path)
    assert result.code in text and "17A8000123" in text


def test_pdfsig_trusts_the_result_with_the_demo_root_in_its_database(signed_result, tmp_path):
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.skip("certutil (Debian's libnss3-tools) is not installed: the NSS trust path is not exercised")
    content, _ = signed_result
    db = f"sql:{tmp_path / 'nssdb'}"
    (tmp_path / "nssdb").mkdir()
    subprocess.run([certutil, "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-d", db, "-n", "motcua demo CA", "-t", ",C,", "-i",
                    str(ensure_demo_pki(pdfs.pki_dir()))], check=True, capture_output=True)
    out = pdfsig(content, tmp_path, "-nssdir", db)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out


def test_a_modified_result_fails_both_validators(signed_result, tmp_path):
    content, result = signed_result
    start, length = (int(n) for n in re.search(rb"/ByteRange \[\s*(\d+) (\d+)", content).groups())
    marker = b"/Creator (motcua)"
    offset = content.index(marker)
    assert start <= offset < start + length  # inside the signed bytes
    tampered = content[:offset] + b"/Creator (m0tcua)" + content[offset + len(marker):]
    status = _pyhanko_status(tampered)
    assert not status.intact and not status.bottom_line
    out = pdfsig(tampered, tmp_path, "-nocert")
    assert "Digest Mismatch" in out and "Signature is Valid" not in out
