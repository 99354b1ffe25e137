"""A dossier from receipt to signed result to return, in Debian's Chromium driven by Playwright, by
officers of several units; and an officer of another commune who finds nothing.

Screenshots and the printed PDFs are kept under test-artifacts/office-browser/ (gitignored; CI keeps them).
"""

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.office import pdfs
from motcua.results.certificates import ensure_demo_pki
from motcua.results.signing import verify_pdf
from tests import browsing
from tests.office.conftest import MINIMAL_PDF

pytestmark = pytest.mark.browser
ARTIFACTS = browsing.artifacts("office-browser")


@pytest.fixture(scope="module")
def browser():
    yield from browsing.launched(ARTIFACTS)


class Officer(browsing.BackOfficeUser):
    """One officer's own browser context, logged in; its screenshots numbered with the others'."""

    def __init__(self, browser, base_url, username, shots):
        super().__init__(browser, base_url, username)
        self.shots = shots

    def shot(self, name):
        self.shots.take(self.page, name)

    def download(self, path, name):
        response = self.context.request.get(f"{self.base_url}{path}")
        assert response.status == 200, path
        content = response.body()
        (ARTIFACTS / name).write_bytes(content)
        return content


def _text(content: bytes, tmp_path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(content)
    run = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", str(source), "-"],
                         capture_output=True, check=True)
    return " ".join(run.stdout.decode("utf-8").split())


def test_a_dossier_from_receipt_to_signed_result_to_return(transactional_db, live_server, world, browser,
                                                           tmp_path):
    url, steps = live_server.url, browsing.Screenshots(ARTIFACTS)

    # 1. The desk of commune A receives a business registration decided by the department's office.
    desk = Officer(browser, url, "tiepnhan.pdp", steps)
    desk.open("/tiep-nhan/")
    desk.page.fill("#id_q", "ho kinh doanh")  # no diacritics
    desk.page.click("button >> text=Tìm")
    desk.shot("tim-thu-tuc")
    desk.page.click("#procedures a >> text=Chọn")
    desk.page.fill("#id_applicant_name", "Nguyễn Văn An")
    desk.page.fill("#id_applicant_id_number", "019090001234")
    desk.page.fill("#id_applicant_phone", "0912345678")
    file_inputs = desk.page.locator("#receipt-form input[type=file]")
    file_inputs.nth(0).set_input_files(
        files=[{"name": "giay-de-nghi.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    desk.page.locator("#receipt-form input[type=checkbox]").nth(1).check()
    desk.shot("phieu-tiep-nhan-nhap")
    desk.page.click("button[value=receive]")
    desk.page.wait_for_url(f"{url}/ho-so/**")
    dossier = Dossier.objects.get()
    assert dossier.code.startswith("05443-") and dossier.unit == world.dkkd
    assert "Đã tiếp nhận hồ sơ" in desk.page.content()
    desk.shot("da-tiep-nhan")
    slip = _text(desk.download(f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf", "giay-tiep-nhan.pdf"), tmp_path)
    assert dossier.code in slip and f"{pdfs.when(dossier.due_at)}" in slip
    component = dossier.components.exclude(file="").get()
    desk.open("/hang-doi/?tab=unit")  # received at the desk, decided by the department: "my unit"
    assert desk.page.locator(f"#queue tr[data-urgency=in_time] >> text={dossier.code}").count() == 1
    desk.shot("hang-doi")
    # At 390 px the queue becomes cards and the dossier page one column: nothing scrolls sideways.
    desk.page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/hang-doi/?tab=unit", f"/ho-so/{dossier.code}/"):
        desk.open(path)
        assert not browsing.too_wide(desk.page, 390), (path, browsing.too_wide(desk.page, 390))
        desk.shot("dien-thoai")
    desk.page.set_viewport_size(browsing.DESK)
    assert desk.download(f"/ho-so/{dossier.code}/thanh-phan/{component.pk}/", "thanh-phan.pdf") == MINIMAL_PDF

    # 2. The department office's processing officer asks for a supplement.
    processor = Officer(browser, url, "chuyenvien.dkkd", steps)
    processor.open("/hang-doi/?tab=unit")
    assert dossier.code in processor.page.inner_text("#queue")  # in the office's queue
    processor.open(f"/ho-so/{dossier.code}/")
    processor.act("request_supplement", {"reason": "Bổ sung bản sao giấy tờ pháp lý của chủ hộ."})
    assert processor.status() == Status.SUPPLEMENT_REQUESTED.label
    processor.shot("yeu-cau-bo-sung")
    processor.download(f"/ho-so/{dossier.code}/phieu-yeu-cau-bo-sung.pdf", "phieu-yeu-cau-bo-sung.pdf")

    # 3. The applicant brings the supplement to the desk.
    desk.open(f"/ho-so/{dossier.code}/")
    desk.page.locator("#action-complete_supplement input[type=file]").set_input_files(
        files=[{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    desk.act("complete_supplement", {"note": "Đã nhận bản sao chứng thực."})
    assert desk.status() == Status.PROCESSING.label
    desk.shot("da-bo-sung")

    # 4. The office hands it over to commune B for a site check.
    processor.open(f"/ho-so/{dossier.code}/")
    processor.act("hand_over", {"days": "1", "note": "Đề nghị xác minh địa điểm kinh doanh."},
                  {"to_unit": "UBND phường Linh Sơn (05710)"})
    assert processor.page.inner_text("#holder") == "UBND phường Linh Sơn"
    processor.shot("chuyen-lien-thong")

    # 5. Commune B's officer resolves.
    second = Officer(browser, url, "chuyenvien.ls", steps)
    second.open(f"/ho-so/{dossier.code}/")
    second.act("resolve", {"result_text": "Cấp Giấy chứng nhận đăng ký hộ kinh doanh số 17A8000123."})
    assert second.status() == Status.RESOLVED.label
    second.shot("xu-ly-xong")

    # 6. The department's leader approves and signs.
    leader = Officer(browser, url, "lanhdao.stc", steps)
    leader.open(f"/ho-so/{dossier.code}/")
    # Step 1: he reads the result as it will be signed (unsigned); step 2: he ticks that he has, and signs.
    preview = leader.download(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf", "ket-qua-xem-truoc.pdf")
    assert "17A8000123" in _text(preview, tmp_path) and b"/ByteRange" not in preview
    assert leader.page.locator("#result-preview a").get_attribute("href") == f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf"
    # Without the tick the browser does not send the form (the server refuses it too: test_sign_preview.py).
    leader.act("sign_result")
    assert not Dossier.objects.get(pk=dossier.pk).e_result_code
    leader.page.check("#id_sign_result_reviewed")
    leader.act("sign_result")
    assert leader.page.inner_text("#result-code") == f"KQ-{dossier.code}"
    leader.shot("phe-duyet-ky-so")
    signed = leader.download(f"/ho-so/{dossier.code}/ket-qua.pdf", "ket-qua-da-ky.pdf")
    # pyHanko's validator runs its own event loop: not in this thread, where Playwright's loop runs.
    with ThreadPoolExecutor(1) as pool:
        check = pool.submit(verify_pdf, signed, [ensure_demo_pki(pdfs.pki_dir())]).result()
    assert check.valid and check.signer_name == "Phòng Đăng ký kinh doanh, Sở Tài chính"
    leader.open(f"/ho-so/{dossier.code}/ket-qua/kiem-tra-chu-ky/")
    assert "Chữ ký số hợp lệ" in leader.page.inner_text("#verification")

    # 7. The desk returns the result: the dossier ends.
    desk.open(f"/ho-so/{dossier.code}/")
    desk.act("return_result", {"note": "Trả bản điện tử và bản giấy."})
    assert desk.status() == Status.RETURNED.label
    desk.shot("da-tra-ket-qua")
    timeline = desk.page.inner_text("#timeline")
    for label in ("Tạo hồ sơ", "Yêu cầu bổ sung", "Đã bổ sung", "Chuyển liên thông", "Xử lý xong",
                  "Phê duyệt và ký số kết quả", "Trả kết quả"):
        assert label in timeline
    sheet = desk.page.inner_text("#control-sheet")
    assert "Phòng Đăng ký kinh doanh, Sở Tài chính" in sheet and "UBND phường Linh Sơn" in sheet
    desk.download(f"/ho-so/{dossier.code}/phieu-kiem-soat.pdf", "phieu-kiem-soat.pdf")
    stored = Dossier.objects.get(pk=dossier.pk)
    # The result's copy waits for the data store's worker: the flag is not set by signing (interop.md §3).
    assert stored.status == Status.RETURNED and not stored.result_to_data_store and stored.e_result_code

    # 8. An officer of another commune finds nothing: neither the dossier nor any of its documents.
    stranger = Officer(browser, url, "tiepnhan.tc", steps)
    stranger.open("/hang-doi/?tab=all&ended=on")
    assert dossier.code not in stranger.page.content()
    for path in (f"/ho-so/{dossier.code}/", f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf",
                 f"/ho-so/{dossier.code}/thanh-phan/{component.pk}/", f"/ho-so/{dossier.code}/ket-qua.pdf",
                 f"/ho-so/{dossier.code}/phieu-kiem-soat.pdf", f"/ho-so/{dossier.code}/phieu-yeu-cau-bo-sung.pdf"):
        response = stranger.open(path)
        assert response.status == 404, path
        assert "Không tìm thấy" in stranger.page.content()
    stranger.open(f"/ho-so/{dossier.code}/")
    stranger.shot("xa-khac-khong-tim-thay")

    for officer in (desk, processor, second, leader, stranger):
        officer.close()
