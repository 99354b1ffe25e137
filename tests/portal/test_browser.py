"""The citizen's whole journey in Debian's Chromium at a phone's width (390 × 844), against the real
stand-ins, each its own process: the identity provider (sign-in on its own page), the payment platform
(its page, its signed callback to motcua served by `live_server`) and the personal data store (a stored
result reused in the application, the signed result delivered to it by the outbox worker).

Search without diacritics → procedure → sign in → the form with the population data filled in → a stored
result chosen → submitted ("Mới đăng ký") → paid online → accepted at the desk's online intake → a
supplement asked and answered online with a file → resolved, signed, returned → the signed result
downloaded and checked by poppler's `pdfsig` with the demo root trusted. The dossier's facts are then read
from the model and through the index's own fact reading. Every portal page is checked with axe-core (no
serious or critical violation) and for horizontal scrolling at 390 px.

Screenshots and the downloaded PDF are kept under test-artifacts/portal-browser/ (gitignored; CI keeps them).
"""

import base64
import hashlib
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from motcua.applications.models import Draft
from motcua.catalog.models import Procedure
from motcua.datastore import store
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier
from motcua.indicators import from_db
from motcua.indicators.facts import dossier_facts
from motcua.lib.periods import Period
from motcua.office import pdfs
from motcua.outbox.worker import Worker
from motcua.payments.models import OrderState, PaymentOrder
from motcua.results.certificates import ensure_demo_pki
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit
from tests import browsing
from tests.citizens.conftest import AN, identity_provider, oidc  # noqa: F401
from tests.datastore.conftest import datastore_standin, store_settings  # noqa: F401
from tests.office.conftest import MINIMAL_PDF
from tests.payments.conftest import MERCHANT, SECRET, TOKEN, platform  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = browsing.artifacts("portal-browser")
STORED = "KQ-05443-250110-0007"  # an earlier signed result of Nguyễn Văn An, kept in his data store


@pytest.fixture(scope="module")
def browser():
    yield from browsing.launched(ARTIFACTS)


class Citizen(browsing.Visitor):
    """The citizen's phone: one context at 390 × 844; each of our pages checked by axe and for width."""

    expected_status = 200

    def __init__(self, browser, base_url, steps):
        super().__init__(browser, base_url, phone=True)
        self.steps = steps
        self.checked: list[str] = []

    def check(self, name):
        """Screenshot, no serious or critical axe-core violation, no horizontal scroll at 390 px."""
        self.page.wait_for_load_state()
        self.steps.take(self.page, name)
        violations = browsing.serious_violations(self.page)
        assert not violations, f"{name}:\n{violations}"
        wide = browsing.too_wide(self.page, browsing.PHONE["width"])
        assert not wide, f"{name}: {wide}"
        self.checked.append(name)


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def keep_in_store(standin, holder, code, pdf=MINIMAL_PDF):
    """An earlier result in the holder's data store, put there through the store's own API."""
    body = {"MaKetQua": code, "MaHoSo": "05443-250110-0007", "MaTTHC": "1.004873", "SoDinhDanh": holder,
            "NgayCap": "20250110090000", "SHA256": hashlib.sha256(pdf).hexdigest(),
            "TepPDF": base64.b64encode(pdf).decode()}
    response = httpx.post(f"{standin.url}/ket-qua", json=body, headers=standin.headers(code), timeout=10)
    assert response.status_code == 200, response.text


def pdfsig_trusting(root: Path, pdf: bytes, folder: Path) -> str:
    """poppler's pdfsig with an NSS database that trusts the demo root (e-mail signing trust, as NSS checks)."""
    for tool in ("pdfsig", "certutil"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: install Debian's poppler-utils and libnss3-tools (CI does)")
    nss = folder / "nssdb"
    nss.mkdir()
    db = f"sql:{nss}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", db, "-n", "motcua demo CA", "-t", ",C,", "-i", str(root)],
                   check=True, capture_output=True)
    source = folder / "ket-qua.pdf"
    source.write_bytes(pdf)
    run = subprocess.run(["pdfsig", "-nssdir", db, str(source)], capture_output=True, timeout=60)
    return run.stdout.decode("utf-8") + run.stderr.decode("utf-8", "replace")


@pytest.fixture
def journey_settings(settings, live_server, oidc, platform, store_settings, datastore_standin):  # noqa: F811
    """motcua pointed at the three stand-ins; the platform calls back the live server."""
    settings.MOTCUA_PAYMENT_MERCHANT = MERCHANT
    settings.MOTCUA_PAYMENT_SECRET = SECRET
    settings.MOTCUA_PAYMENT_TOKEN = TOKEN
    settings.MOTCUA_PAYMENT_SITE_URL = live_server.url
    settings.MOTCUA_PAYMENT_ORDER_SECONDS = 15 * 60
    return settings


def test_a_citizen_applies_pays_answers_a_supplement_and_gets_the_signed_result_on_a_phone(
        transactional_db, live_server, portal_world, journey_settings, oidc, datastore_standin, platform,  # noqa: F811
        browser, tmp_path):
    url, steps, world = live_server.url, browsing.Screenshots(ARTIFACTS), portal_world
    Procedure.objects.filter(pk=world.copy.pk).update(fee_integrated=True)
    assert oidc.person(AN)["commune_code"] == world.commune_a.code  # he lives in commune A
    keep_in_store(datastore_standin, AN, STORED)
    citizen = Citizen(browser, url, steps)
    page = citizen.page

    # 1. The catalog, searched without diacritics, on a phone.
    citizen.open("/dich-vu-cong/")
    citizen.check("danh-muc")
    page.fill("#q", "chung thuc ban sao")
    page.click("button >> text=Tìm kiếm")
    page.wait_for_url("**/dich-vu-cong/?*q=chung*")
    page.click("ol.results a >> text=Chứng thực bản sao từ bản chính")
    page.wait_for_url(f"{url}/dich-vu-cong/thu-tuc/2.000815/")
    citizen.check("thu-tuc")
    assert "2.000 đồng" in page.inner_text("main")

    # 2. Starting the application asks him to sign in at the identity provider, on its own page.
    page.click("a.button >> text=Nộp hồ sơ trực tuyến")
    page.wait_for_url(f"{oidc.url}/**")
    page.fill("input[name=username]", AN)
    page.fill("input[name=password]", oidc.password)
    steps.take(page, "dang-nhap-dinh-danh")  # the provider's page is not ours: no axe check
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/dich-vu-cong/ban-nhap/*/")
    draft = Draft.objects.get(owner__username=AN)

    # 3. The form: his name and identity number are filled in from the population data, not asked.
    assert "Nguyễn Văn An" in page.inner_text("#f_applicant_name")
    assert page.locator("input[name=applicant_name]").count() == 0
    assert page.locator("input[name=applicant_id_number]").count() == 0
    assert page.input_value("#f_unit") == str(world.commune_a.pk)  # his own commune, preselected
    page.click("button[value=submit]")  # too early: every missing item is named once
    page.wait_for_selector("#error-summary")
    assert page.locator("#f_document_name_error").is_visible()
    assert page.locator("#c_original_scan_error").is_visible()
    citizen.check("bieu-mau-co-loi")
    page.fill("#f_document_name", "Bằng tốt nghiệp trung học phổ thông")
    page.fill("#f_copies", "2")
    page.select_option("#store_original_scan", STORED)
    page.click("button[value=submit]")
    page.wait_for_url(f"{url}/dich-vu-cong/ho-so-cua-toi/*/")
    dossier = Dossier.objects.get()
    draft.refresh_from_db()
    assert draft.dossier_id == dossier.pk
    assert page.inner_text("#status") == Status.SUBMITTED.label == "Mới đăng ký"
    assert dossier.code in page.inner_text("h1")
    assert "từ kho dữ liệu cá nhân" in page.inner_text("main")
    citizen.check("da-nop")

    # 4. He pays the fee online: the platform's page, its signed callback settles the order.
    page.click("#payment button >> text=Thanh toán trực tuyến")
    page.wait_for_url(f"{platform.url}/**")
    steps.take(page, "nen-tang-thanh-toan")  # the platform's page is not ours
    page.click("button >> text=Thanh toán")
    page.wait_for_url(f"{url}/thanh-toan/ket-qua/**")
    order = PaymentOrder.objects.get(dossier=dossier)
    assert wait_for(lambda: PaymentOrder.objects.get(pk=order.pk).state == OrderState.SETTLED)
    order.refresh_from_db()  # read before the callback settled it: its transaction id is known only now
    page.reload()
    assert page.locator("#order-state").get_attribute("data-state") == OrderState.SETTLED
    assert "Đã thanh toán" in page.inner_text("#order-state")
    citizen.check("da-thanh-toan")
    page.click("main a >> text=Quay lại hồ sơ")
    page.wait_for_url(f"{url}/dich-vu-cong/ho-so-cua-toi/{dossier.code}/")
    assert "đã thanh toán trực tuyến lúc" in page.inner_text("main")
    assert page.locator("#payment").count() == 0  # nothing left to pay
    dossier.refresh_from_db()
    assert dossier.paid_online_at is not None

    # 5. The desk of commune A finds it in the online intake queue and accepts it.
    desk = browsing.BackOfficeUser(browser, url, "tiepnhan.pdp")
    desk.open("/tiep-nhan-truc-tuyen/")
    row = desk.page.locator(f"#intake tr[data-code='{dossier.code}']")
    assert row.locator(".flag-store").count() == 1 and row.locator(".flag-paid").count() == 1
    steps.take(desk.page, "tiep-nhan-truc-tuyen")
    row.locator("a", has_text=dossier.code).click()
    desk.page.wait_for_url(f"{url}/ho-so/{dossier.code}/")
    desk.act("receive")
    assert desk.status() == Status.RECEIVED.label
    steps.take(desk.page, "da-tiep-nhan")

    # 6. The processing officer takes it and asks for a supplement.
    processor = browsing.BackOfficeUser(browser, url, "chuyenvien.pdp")
    processor.open(f"/ho-so/{dossier.code}/")
    processor.act("start", selects={"assignee": "Trần Văn Xử (UBND phường Phan Đình Phùng)"})
    assert processor.status() == Status.PROCESSING.label
    processor.act("request_supplement", {"reason": "Bổ sung bản chụp rõ nét mặt sau của bằng."})
    assert processor.status() == Status.SUPPLEMENT_REQUESTED.label
    steps.take(processor.page, "yeu-cau-bo-sung")

    # 7. The citizen answers it online with a file, from his phone.
    citizen.open(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/")
    assert "Bổ sung bản chụp rõ nét mặt sau của bằng." in page.inner_text("#supplement")
    citizen.check("yeu-cau-bo-sung-cong-dan")
    page.fill("#s_name", "Bản chụp mặt sau của bằng")
    page.set_input_files("#s_file", files=[{"name": "mat-sau.pdf", "mimeType": "application/pdf",
                                             "buffer": MINIMAL_PDF}])
    page.click("#supplement button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#status") == Status.PROCESSING.label
    assert dossier.components.filter(name="Bản chụp mặt sau của bằng").exists()

    # 8. Resolved, approved and signed by the leader, returned by the desk.
    processor.open(f"/ho-so/{dossier.code}/")
    processor.act("resolve", {"result_text": "Chứng thực 02 bản sao Bằng tốt nghiệp trung học phổ thông."})
    assert processor.status() == Status.RESOLVED.label
    leader = browsing.BackOfficeUser(browser, url, "lanhdao.pdp")
    leader.open(f"/ho-so/{dossier.code}/")
    leader.page.check("#id_sign_result_reviewed")  # he has read the preview (tests/office/test_browser.py)
    leader.act("sign_result")
    assert leader.page.inner_text("#result-code") == f"KQ-{dossier.code}"
    steps.take(leader.page, "ky-so")
    desk.open(f"/ho-so/{dossier.code}/")
    desk.act("return_result", {"note": "Trả bản điện tử qua cổng dịch vụ công."})
    assert desk.status() == Status.RETURNED.label
    steps.take(desk.page, "da-tra-ket-qua")

    # 9. The outbox worker delivers the signed result to his data store; the flag follows its answer.
    assert not Dossier.objects.get(pk=dossier.pk).result_to_data_store
    run = Worker(kinds=[store.KIND]).run_once()
    assert run.acknowledged == 1, run
    assert any(r["MaKetQua"] == f"KQ-{dossier.code}" for r in store.stored_results(AN))

    # 10. He downloads the signed result; poppler accepts the signature and the demo root's chain.
    citizen.open(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/")
    assert page.inner_text("#status") == Status.RETURNED.label
    assert "đã được lưu vào kho" in page.inner_text("#data-store")
    citizen.check("ket-qua")
    with page.expect_download() as caught:
        page.click("#result a >> text=Tải kết quả")
    signed = Path(caught.value.path()).read_bytes()
    (ARTIFACTS / "ket-qua-da-ky.pdf").write_bytes(signed)
    out = pdfsig_trusting(ensure_demo_pki(pdfs.pki_dir()), signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out and "Not total document signed" not in out, out

    # 11. The dossier's facts, from the journey alone (no import): the model's fields …
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.channel == Channel.ONLINE and stored.status == Status.RETURNED
    assert stored.paid_online_at is not None and stored.payments.get().reference == order.transaction_id
    assert stored.reused_data and stored.from_data_store and stored.citizen_data and stored.result_to_data_store
    # … and as the index reads them (its own converters and fact definitions).
    units = {u.pk: u.code for u in Unit.objects.all()}
    procedures = {p.pk: p.code for p in Procedure.objects.all()}
    [(pk, record)] = from_db.dossier_records(Dossier.objects.filter(pk=dossier.pk), units, procedures)
    assert pk == dossier.pk
    assert record.channel == "online" and record.paid_online_at is not None
    assert record.reused_data and record.from_data_store and record.citizen_data and record.result_to_data_store
    today = timezone.localdate()
    facts = dossier_facts(record, from_db.procedure_record(Procedure.objects.get(pk=world.copy.pk)),
                          Period.of(today, today), CalendarBook().for_unit(world.commune_a.code))
    assert facts.online and facts.received and facts.fee and facts.paid_online
    assert facts.reused_data and facts.data_store and facts.citizen_data and facts.e_result and facts.ended

    assert citizen.checked == ["danh-muc", "thu-tuc", "bieu-mau-co-loi", "da-nop", "da-thanh-toan",
                               "yeu-cau-bo-sung-cong-dan", "ket-qua"]
    for context in (citizen.context, desk.context, processor.context, leader.context):
        context.close()
