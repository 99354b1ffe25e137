"""Issue 10's "done means" in Debian's Chromium: the citizen's voice from one returned dossier to the index.

Nguyễn Văn An (019090000001, signed in at the identity provider stand-in, on a phone 390 × 844) rates
his returned dossier not satisfied, files a complaint about it from the dossier's page; the processing
officer of his commune takes it from the feedback queue, the leader answers it the same day with a letter
signed by the demo PKI (checked by pyHanko), the officer publishes it; the citizen downloads the signed
answer, rates the answer (first not satisfied, then satisfied), and finds it on the public list without
his name, phone, e-mail or identity number. Indicators 4.1–4.3 of his commune are read from the live index
before and after each step (no import). The provincial monitor then runs a survey from definition to
results (the citizen answers by the link of his invitation) and reads the usage page, which shows the
page views of the citizen's own browsing, counted as they happened.

Every page of ours is checked with axe-core (no serious or critical violation); portal pages also for
horizontal scrolling at 390 px. Screenshots and the signed answer under test-artifacts/voice-browser/.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.constants import Rating
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import About, Status
from motcua.feedback.deadlines import deadlines, handled_on_time
from motcua.feedback.models import Feedback
from motcua.indicators import from_db
from motcua.indicators.service import index_json
from motcua.lib.vnformat import padded_date
from motcua.lib.workingtime import LOCAL_TZ
from motcua.office import pdfs
from motcua.outbox.models import Item
from motcua.ratings.models import DossierRating
from motcua.ratings.rating import rate
from motcua.results.certificates import ensure_demo_pki
from motcua.results.signing import verify_pdf
from motcua.surveys.models import Response
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit
from tests import browsing
from tests.citizens.conftest import AN
from tests.feedback.conftest import file_item
from tests.ratings.conftest import returned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = browsing.artifacts("voice-browser")
AN_EMAIL = "nguyen.van.an@example.vn"
AN_PHONE = "0912345678"
COMMUNE = "05443"
SIGNER = "UBND phường Phan Đình Phùng"


@pytest.fixture(scope="module")
def browser():
    yield from browsing.launched(ARTIFACTS)


class Journey:
    """Numbered screenshots and the axe-core check shared by every browser context of the test."""

    def __init__(self):
        self.shots, self.checked = browsing.Screenshots(ARTIFACTS), []

    def check(self, page, name, *, phone=False):
        page.wait_for_load_state()
        self.shots.take(page, name)
        violations = browsing.serious_violations(page)
        assert not violations, f"{name}:\n{violations}"
        if phone:
            wide = browsing.too_wide(page, browsing.PHONE["width"])
            assert not wide, f"{name}: {wide}"
        self.checked.append(name)


class Phone(browsing.Visitor):
    """The citizen's phone. Counts the portal pages it was served the way the usage statistics count
    them (a GET answered 200 with HTML under /dich-vu-cong/), to compare with the usage page."""

    expected_status = 200

    def __init__(self, browser, base_url, journey):
        super().__init__(browser, base_url, phone=True)
        self.journey, self.views, self.procedure_views = journey, 0, 0
        self.page.on("response", self._count)

    def _count(self, response):
        request = response.request
        path = urlsplit(response.url).path
        if (response.url.startswith(self.base_url) and path.startswith("/dich-vu-cong/")
                and request.resource_type == "document" and request.method == "GET" and response.status == 200
                and "text/html" in (response.headers.get("content-type") or "")):
            self.views += 1
            self.procedure_views += path.startswith("/dich-vu-cong/thu-tuc/")

    def check(self, name):
        self.journey.check(self.page, name, phone=True)


class Officer(browsing.BackOfficeUser):
    """One officer's own browser context, logged in through the back office's login form."""

    expected_status = 200

    def __init__(self, browser, base_url, username, journey):
        super().__init__(browser, base_url, username)
        self.journey = journey

    def step(self, url_part, fields=None, selects=None):
        """Fill and post the feedback step form whose action ends with `url_part`; wait for the page."""
        self.submit(self.page.locator(f"form[action$='{url_part}']"), fields, selects, navigates=True)

    def check(self, name):
        self.journey.check(self.page, name)


def indicators(today):
    """4.1, 4.2 and 4.3 of the commune as (numerator, denominator), from the live index, the last 90 days."""
    numbers = index_json(today - timedelta(days=90), today, unit_code=COMMUNE)
    unit = numbers["units"][0]
    assert unit["code"] == COMMUNE
    found = {i["id"]: (i["numerator"], i["denominator"]) for i in unit["indicators"]}
    return {key: found[key] for key in ("4.1", "4.2", "4.3")}


def working_morning(day):
    """9:00 local on `day`, or on the Friday before when `day` falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, clock_time(9), tzinfo=LOCAL_TZ)


def verified(pdf: bytes):
    # pyHanko's validator runs its own event loop: not in this thread, where Playwright's loop runs.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(verify_pdf, pdf, [ensure_demo_pki(pdfs.pki_dir())]).result()


def test_a_citizen_rates_complains_is_answered_and_surveyed_and_the_index_and_usage_follow(
        live_server, world, oidc, pki, browser, settings):  # noqa: F811
    url, journey = live_server.url, Journey()
    settings.MOTCUA_SITE_URL = live_server.url
    now = timezone.now()
    today = now.astimezone(LOCAL_TZ).date()

    # -- The commune's record before: three returned dossiers (his, one rated satisfied, one not rated) and
    # two feedback items (one past its 15 working days unanswered, one filed two days ago, still in time).
    start = working_morning(today - timedelta(days=7))
    mine = returned(world, at=start, id_number=AN, email=AN_EMAIL, phone=AN_PHONE)
    other = returned(world, at=start + timedelta(hours=1), id_number="019192000002", email="binh@example.vn",
                     phone="0987654321")
    returned(world, at=start + timedelta(hours=2), id_number="019075000003", email="", phone="0368123456")
    rate(other, satisfied=True, channel="desk", actor=world.desk_a, at=start + timedelta(days=1))
    file_item(world, at=now - timedelta(days=45), name="Lê Văn Dũng", phone="0368123456", email="")
    file_item(world, at=now - timedelta(days=2), name="Phạm Thị Hoa", phone="0978111222", email="")
    assert indicators(today) == {"4.1": (1, 2), "4.2": (1, 2), "4.3": (3, 3)}

    # -- 1. The citizen on his phone: the catalog, the procedure's page, then sign-in at the provider.
    citizen = Phone(browser, url, journey)
    page = citizen.page
    citizen.open("/dich-vu-cong/")
    citizen.check("danh-muc")
    page.fill("#q", "khai sinh")
    page.click("button >> text=Tìm kiếm")
    page.wait_for_url("**/dich-vu-cong/?*q=khai*")
    page.click("ol.results a >> text=Thủ tục đăng ký khai sinh")
    page.wait_for_url(f"{url}/dich-vu-cong/thu-tuc/{world.birth.code}/")
    citizen.check("thu-tuc")
    page.goto(f"{url}/dich-vu-cong/dang-nhap/?next=/dich-vu-cong/ho-so-cua-toi/{mine.code}/")
    page.wait_for_url(f"{oidc.url}/**")
    page.fill("input[name=username]", AN)
    page.fill("input[name=password]", oidc.password)
    page.click("button[type=submit]")  # the provider's page is not ours: no axe check
    page.wait_for_url(f"{url}/dich-vu-cong/ho-so-cua-toi/{mine.code}/")
    assert page.inner_text("#status") == "Đã trả kết quả"
    citizen.check("ho-so-da-tra")

    # -- 2. He rates it not satisfied: processing time not satisfied, attitude satisfied, a comment.
    rating = page.locator("#rating")
    rating.locator("input[name=satisfied][value='0']").check()
    rating.locator("input[name=c_time][value=unsatisfied]").check()
    rating.locator("input[name=c_attitude][value=satisfied]").check()
    rating.locator("#rating-comment").fill("Phải đi lại hai lần mới nhận được kết quả.")
    rating.locator("button >> text=Gửi đánh giá").click()
    page.wait_for_selector("#rating-given")
    assert "Không hài lòng" in page.inner_text("#rating-given")
    citizen.check("da-danh-gia")
    given = DossierRating.objects.get(dossier=mine)
    assert (given.satisfied, given.channel, given.comment) == (False, "portal", "Phải đi lại hai lần mới nhận được kết quả.")
    assert given.criteria == {"time": "unsatisfied", "attitude": "satisfied"}
    assert Dossier.objects.get(pk=mine.pk).rating == Rating.UNSATISFIED
    assert indicators(today) == {"4.1": (1, 2), "4.2": (1, 2), "4.3": (2, 3)}  # his dossier is out of 4.3

    # -- 3. He files a complaint about this dossier from its page: the form knows the dossier and him.
    page.click("#feedback-link a")
    page.wait_for_url(f"{url}/dich-vu-cong/phan-anh/gui/?ho-so={mine.code}")
    assert page.is_checked("#about-dossier")
    assert page.input_value("#dossier") == mine.code
    assert page.input_value("#phone") == AN_PHONE
    citizen.check("phan-anh-gui")
    page.fill("#subject", "Trả kết quả khai sinh chậm")
    page.fill("#content", f"Tôi là Nguyễn Văn An, số định danh {AN}, điện thoại {AN_PHONE}. Hồ sơ {mine.code} "
                          "phải đi lại hai lần mới nhận được kết quả.")
    page.click("button >> text=Gửi phản ánh")
    page.wait_for_url(f"{url}/dich-vu-cong/phan-anh/cua-toi/*/")
    item = Feedback.objects.get(dossier=mine)
    assert (item.unit.code, item.about, item.status, item.submitted_by.username) == (
        COMMUNE, About.DOSSIER, Status.RECEIVED, AN)
    assert item.code in page.inner_text("h1")
    citizen.check("phan-anh-da-gui")
    # The complaint is the dossier's `complaint` fact, as the index reads it; 4.1 and 4.2 count the new item
    # (in time), 4.3 keeps his dossier out (unsatisfied and now with a complaint).
    assert Dossier.objects.get(pk=mine.pk).complaint
    units = {u.pk: u.code for u in Unit.objects.all()}
    [(_pk, record)] = from_db.dossier_records(Dossier.objects.filter(pk=mine.pk), units,
                                              {world.birth.pk: world.birth.code})
    assert record.complaint and record.rating == "unsatisfied"
    assert indicators(today) == {"4.1": (2, 3), "4.2": (2, 3), "4.3": (2, 3)}

    # -- 4. The commune's processing officer finds it in the feedback queue and takes it.
    processor = Officer(browser, url, "chuyenvien.pdp", journey)
    processor.open("/phan-anh/")
    row = processor.page.locator("#feedback tr", has_text=item.code)
    assert row.get_attribute("data-urgency") == "in_time"
    processor.check("hang-doi-phan-anh")
    row.locator("a", has_text=item.code).click()
    processor.page.wait_for_url(f"{url}/phan-anh/{item.code}/")
    processor.check("phan-anh-can-bo")
    processor.step("/phan-cong/", selects={"assignee": "Trần Văn Xử"})
    assert Feedback.objects.get(pk=item.pk).assignee_id == world.processor_a.pk

    # -- 5. The leader answers with a signed letter, today: well within the 15 working days.
    leader = Officer(browser, url, "lanhdao.pdp", journey)
    leader.open(f"/phan-anh/{item.code}/")
    answer = ("Ủy ban nhân dân phường đã kiểm tra: hồ sơ được trả đúng hẹn nhưng Ông phải đi lại hai lần do bộ "
              "phận trả kết quả thiếu hướng dẫn. Phường đã chấn chỉnh và xin lỗi Ông.")
    leader.step("/tra-loi/", {"text": answer})
    assert "Đã có văn bản trả lời" in leader.page.inner_text("#status")
    leader.check("da-tra-loi")
    item = Feedback.objects.get(pk=item.pk)
    calendar = CalendarBook().for_unit(COMMUNE)
    assert item.status == Status.ANSWERED and item.answered_at.astimezone(LOCAL_TZ).date() == today
    assert today <= deadlines(item, calendar).answer_by and handled_on_time(item, timezone.now(), calendar)
    response = leader.context.request.get(f"{url}/phan-anh/{item.code}/tra-loi.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    check = verified(response.body())
    assert check.valid and check.signer_name == SIGNER

    # -- 6. The processing officer publishes it; the proposed text is already masked.
    processor.open(f"/phan-anh/{item.code}/")
    proposed = processor.page.input_value("textarea[name=text]")
    assert AN not in proposed and AN_PHONE not in proposed and "Nguyễn Văn An" not in proposed
    processor.step("/cong-khai/")
    assert Feedback.objects.get(pk=item.pk).status == Status.PUBLISHED
    processor.check("da-cong-khai")
    assert indicators(today) == {"4.1": (2, 3), "4.2": (2, 3), "4.3": (2, 3)}

    # -- 7. The citizen reads the answer, downloads the signed letter and rates the answer.
    citizen.open(f"/dich-vu-cong/phan-anh/cua-toi/{item.code}/")
    assert "xin lỗi Ông" in page.inner_text("#answer")
    citizen.check("tra-loi")
    # The letter opens inline (no download event on a phone's viewer): fetched by its link with his cookies.
    href = page.get_attribute("#answer a >> text=Văn bản trả lời có chữ ký số", "href")
    response = citizen.context.request.get(f"{url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    letter = response.body()
    (ARTIFACTS / "tra-loi-da-ky.pdf").write_bytes(letter)
    assert letter == default_storage.open(item.answer_file.name).read()
    assert verified(letter).valid
    page.check("#rating-unsatisfied")
    page.click("button >> text=Gửi đánh giá")
    page.wait_for_selector("dd#rating")
    assert page.inner_text("dd#rating") == "Không hài lòng"
    assert indicators(today)["4.2"] == (1, 3)  # an answer rated unsatisfied fails 4.2
    page.check("#rating-satisfied")  # he changes his mind after the officer's call
    page.click("button >> text=Gửi đánh giá")
    page.wait_for_function("document.querySelector('dd#rating').innerText.trim() === 'Hài lòng'")
    citizen.check("da-danh-gia-tra-loi")
    assert Feedback.objects.get(pk=item.pk).rating == "satisfied"
    # After: 4.1 and 4.2 count his complaint, answered on time and rated satisfied; 4.3 has lost his dossier.
    assert indicators(today) == {"4.1": (2, 3), "4.2": (2, 3), "4.3": (2, 3)}

    # -- 8. The public list shows the answer without his name, number, phone or e-mail.
    citizen.open("/dich-vu-cong/phan-anh/")
    published = page.inner_text("#published")
    assert item.code in published and "chấn chỉnh" in published
    for personal in ("Nguyễn Văn An", AN, AN_PHONE, AN_EMAIL):
        assert personal not in published, personal
    citizen.check("phan-anh-cong-khai")

    # -- 9. A survey from definition to results: the monitor defines, opens and invites.
    monitor = Officer(browser, url, world.monitor.username, journey)
    mpage = monitor.page
    mpage.click("header >> text=Khảo sát")
    mpage.wait_for_load_state()
    monitor.check("khao-sat")
    mpage.click("text=Soạn phiếu khảo sát mới")
    mpage.wait_for_load_state()
    monitor.check("khao-sat-soan")
    mpage.click("button >> text=Lưu phiếu khảo sát")
    mpage.wait_for_load_state()
    mpage.click("text=Mở đợt khảo sát")
    mpage.wait_for_selector("#procedures")
    monitor.check("khao-sat-mo-dot")
    mpage.fill("#procedures", world.birth.code)
    mpage.fill("#returned_from", padded_date(today - timedelta(days=30)))
    mpage.click("button >> text=Mở đợt khảo sát")
    mpage.click("button >> text=Gửi lời mời")
    mpage.wait_for_selector("text=Đã mời 3 người")  # his e-mail, the other two by e-mail or SMS
    monitor.check("khao-sat-da-moi")
    opening_url = mpage.url
    invitation = Item.objects.get(kind="notify.email", key__startswith="survey:", payload__to=AN_EMAIL)
    link = next(line for line in invitation.payload["body"].splitlines() if line.startswith(url))

    # The citizen answers on his phone by the link of his invitation.
    citizen.open(urlsplit(link).path)
    citizen.check("khao-sat-tra-loi")
    for key in ("de_tim", "de_dung", "thoi_gian"):
        page.check(f"#{key}-4")
    page.check("#hai_long-3")
    page.check("#kenh-1")
    page.check("#kho_khan-5")
    page.fill("#gop_y", "Cần hướng dẫn rõ hơn khi trả kết quả.")
    page.click("button >> text=Gửi phiếu trả lời")
    page.wait_for_selector("h1 >> text=Cảm ơn Ông/Bà đã trả lời")
    citizen.check("khao-sat-cam-on")
    assert Response.objects.count() == 1

    # The monitor sees the one answer in the results.
    monitor.open(urlsplit(opening_url).path)
    results = mpage.inner_text("main")
    assert "1 phiếu trả lời trên 3 người được mời" in results, results
    assert "Cần hướng dẫn rõ hơn khi trả kết quả." in results
    assert mpage.locator(".chart svg").count() >= 1
    monitor.check("khao-sat-ket-qua")

    # -- 10. Usage: today's funnel closed so far; the page shows the citizen's own browsing.
    call_command("usage", "aggregate", "--day", today.isoformat())
    monitor.open("/su-dung-dich-vu-cong/")
    monitor.check("su-dung-dvc")
    total = {key: int(mpage.inner_text(f"#total-{key}").replace(".", ""))
             for key in ("visits", "visitors", "views", "procedure-views")}
    # One browser (the phone) in one visit, every portal page it was served counted once; nobody else
    # browsed the portal in this test.
    assert citizen.views >= 10 and citizen.procedure_views == 1
    assert total == {"visits": 1, "visitors": 1, "views": citizen.views, "procedure-views": 1}, total

    assert journey.checked == [
        "danh-muc", "thu-tuc", "ho-so-da-tra", "da-danh-gia", "phan-anh-gui", "phan-anh-da-gui",
        "hang-doi-phan-anh", "phan-anh-can-bo", "da-tra-loi", "da-cong-khai", "tra-loi", "da-danh-gia-tra-loi",
        "phan-anh-cong-khai", "khao-sat", "khao-sat-soan", "khao-sat-mo-dot", "khao-sat-da-moi",
        "khao-sat-tra-loi", "khao-sat-cam-on", "khao-sat-ket-qua", "su-dung-dvc"]
    for person in (citizen, processor, leader, monitor):
        person.context.close()
