"""The public procedure catalog (/dich-vu-cong/) over the demo's real catalog (motcua.demo.reference)."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.models import OnlineReductionPolicy, Procedure, ProcedureComponent
from motcua.citizens.models import Citizen
from motcua.demo.reference import load_reference
from motcua.portal import catalog
from motcua.portal.catalog import Criteria, search
from motcua.units.models import Unit
from tests import browsing

BIRTH = "1.001193"  # Thủ tục đăng ký khai sinh: commune level, full online, 1 working day, free
CORRECTION = "1.004859"  # ... cải chính, bổ sung thông tin hộ tịch: full online, 3 working days, 15.000 đồng
FOREIGN_MARRIAGE = "2.000806"  # partial online, 15 working days, 1.000.000 đồng
MOBILE_BIRTH = "1.003583"  # Thủ tục đăng ký khai sinh lưu động: not online
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture
def demo_catalog(db):
    load_reference()
    # Today's online reduction set explicitly, so that the pages read the same in any year.
    OnlineReductionPolicy.objects.update_or_create(year=timezone.localdate().year, defaults={"percent": 30})


def codes(results):
    return [r.procedure.code for r in results]


# --- the search logic, without the web layer ---------------------------------------------------------------

def test_a_query_without_diacritics_finds_the_procedure_and_the_closest_name_first(demo_catalog):
    for query in ("dang ky khai sinh", "ĐĂNG KÝ  KHAI SINH", "Đăng ký khai sinh"):
        found = codes(search(Criteria(query=query)))
        assert found[0] == BIRTH, query
        assert {"1.000689", MOBILE_BIRTH, "1.004884"} <= set(found)  # "đăng ký lại khai sinh": every word
        assert "1.000656" not in found  # khai tử
    assert codes(search(Criteria(query=BIRTH))) == [BIRTH]
    # The last word may still be being typed; punctuation does not count; other words are whole words.
    assert codes(search(Criteria(query="dang ky khai si")))[0] == BIRTH
    assert codes(search(Criteria(query="cha me con")))[:2] == ["1.001022", "1.000689"]
    assert "1.012781" not in codes(search(Criteria(query="ho tich")))  # trường hợp ... diện tích


def test_a_name_match_ranks_before_a_match_of_the_field_only(demo_catalog):
    results = search(Criteria(query="ho tich"))
    found = codes(results)
    # Two names say "hộ tịch"; 14 more procedures are only in the field Hộ tịch, some earlier in the catalog.
    assert set(found[:2]) == {"1.004859", "2.000635"}
    assert len(found) == 16
    assert all(r.rank == catalog.RANK_ANYWHERE for r in results[2:])
    assert Procedure.objects.order_by("position").filter(code__in=found).first().code not in found[:2]


def test_each_filter_narrows_the_result(demo_catalog):
    everything = search(Criteria())
    assert len(everything) == Procedure.objects.count() == 88

    by_field = search(Criteria(field="Hộ tịch"))
    assert len(by_field) == 16 and {r.procedure.field for r in by_field} == {"Hộ tịch"}

    commune = search(Criteria(level="commune"))
    assert 0 < len(commune) < len(everything) and {r.procedure.level for r in commune} == {"commune"}

    full = search(Criteria(online_level="full"))
    assert 0 < len(full) < len(everything) and {r.procedure.online_level for r in full} == {"full"}

    # Every commune accepts every commune-level procedure (Authority rows of the demo).
    ward = Unit.objects.get(name="UBND Phường Phan Đình Phùng")
    assert set(codes(search(Criteria(unit=ward.code)))) == set(codes(commune))
    # A department accepts only the province-level procedures of its fields.
    justice = Unit.objects.get(authorities__procedure__code="1.011441")
    at_justice = search(Criteria(unit=justice.code))
    assert 0 < len(at_justice) < len(everything) - len(commune)
    assert {r.procedure.level for r in at_justice} == {"province"}

    combined = search(Criteria(query="khai sinh", level="commune", online_level="full", unit=ward.code))
    assert codes(combined) == [BIRTH]
    assert search(Criteria(query="khai sinh", level="province")) == []


def test_the_search_is_one_query_for_2000_procedures(demo_catalog, django_assert_num_queries):
    template = Procedure.objects.get(code=BIRTH)
    Procedure.objects.bulk_create([
        Procedure(code=f"9.{i:06d}", name=f"Thủ tục thử nghiệm số {i} về đất đai và xây dựng", field="Đất đai",
                  level="province", time_limit=Decimal(10), time_unit="working_days", online_level="partial",
                  decision_date=template.decision_date, legal_effective_date=template.legal_effective_date,
                  position=1000 + i)
        for i in range(1912)])
    assert Procedure.objects.count() == 2000
    with django_assert_num_queries(1):
        search(Criteria(query="dat dai", level="province", online_level="partial"))
    # Speed is measured by bench/bench_portal.py, not here; this checks what the search returns.
    assert [r.procedure.code for r in search(Criteria(query="thu nghiem 1911"))][0] == "9.001911"
    assert len(search(Criteria(query=""))) == 2000


def test_details_reduce_the_limit_by_the_policy_of_the_submission_date_or_the_procedures_own(demo_catalog):
    OnlineReductionPolicy.objects.update_or_create(year=2025, defaults={"percent": 20})
    correction = Procedure.objects.get(code=CORRECTION)
    in_2025 = catalog.details(correction, at=datetime.fromisoformat("2025-11-05T09:00:00+07:00"))
    assert (in_2025.time_limit, in_2025.online_time_limit, in_2025.reduction_percent) == (
        "3 ngày làm việc", "2,4 ngày làm việc", 20)
    correction.online_reduction_percent = 50
    own = catalog.details(correction, at=datetime.fromisoformat("2025-11-05T09:00:00+07:00"))
    assert own.online_time_limit == "1,5 ngày làm việc"
    offline = catalog.details(Procedure.objects.get(code=MOBILE_BIRTH))
    assert not offline.offered_online and offline.online_time_limit == ""
    assert catalog.fee_text(0) == "Không thu phí" and catalog.fee_text(1234567) == "1.234.567 đồng"
    assert catalog.limit_text(Decimal("0.50"), "working_days") == "0,5 ngày làm việc"
    assert catalog.limit_text(Decimal("4"), "working_hours") == "4 giờ làm việc"
    assert catalog.limit_text(Decimal("15"), "calendar_days") == "15 ngày"


# --- the pages ---------------------------------------------------------------------------------------------

def test_the_catalog_page_searches_without_diacritics_and_shows_each_result(client, demo_catalog):
    response = client.get(reverse("portal:catalog"), {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    first = html.index(f'href="{reverse("portal:procedure", args=[BIRTH])}"')
    assert first < html.index(reverse("portal:procedure", args=[MOBILE_BIRTH]))
    assert "Thủ tục đăng ký khai sinh" in html and "Hộ tịch" in html and "Cấp xã" in html
    assert "DVCTT toàn trình" in html and "1 ngày làm việc" in html and "Không thu phí" in html
    assert "10.000 đồng" in html  # 1.000689, khai sinh kết hợp nhận cha, mẹ, con
    assert 'value="dang ky khai sinh"' in html
    assert "Tìm thấy 4 thủ tục" in html


def test_the_catalog_page_filters_and_paginates_keeping_the_filters(client, demo_catalog):
    commune_count = Procedure.objects.filter(level="commune").count()
    assert commune_count == 46
    page1 = client.get(reverse("portal:catalog"), {"level": "commune"}).content.decode()
    assert f"Tìm thấy {commune_count} thủ tục" in page1
    assert "Trang 1/3" in page1 and page1.count('<li class="panel">') == catalog.PAGE_SIZE
    assert "?level=commune&amp;page=2" in page1
    assert 'option value="commune" selected' in page1
    page3 = client.get(reverse("portal:catalog"), {"level": "commune", "page": 3}).content.decode()
    assert "Trang 3/3" in page3 and page3.count('<li class="panel">') == commune_count - 2 * catalog.PAGE_SIZE
    assert "Cấp tỉnh</span>" not in page3
    # An out-of-range page shows the last one; nonsense filter values are ignored, not errors.
    assert "Trang 3/3" in client.get(reverse("portal:catalog"), {"level": "commune", "page": 99}).content.decode()
    odd = client.get(reverse("portal:catalog"), {"level": "nowhere", "online": "x"}).content.decode()
    assert "Tìm thấy 88 thủ tục" in odd
    by_online = client.get(reverse("portal:catalog"), {"online": "none"}).content.decode()
    none_count = Procedure.objects.filter(online_level="none").count()
    assert f"Tìm thấy {none_count} thủ tục" in by_online and "DVCTT toàn trình</span>" not in by_online
    ward = Unit.objects.get(name="UBND Phường Phan Đình Phùng")
    by_unit = client.get(reverse("portal:catalog"), {"unit": ward.code, "field": "Chứng thực"}).content.decode()
    assert "Tìm thấy 5 thủ tục" in by_unit
    assert f'<option value="{ward.code}" selected>UBND Phường Phan Đình Phùng</option>' in by_unit
    nothing = client.get(reverse("portal:catalog"), {"q": "khong co thu tuc nay"}).content.decode()
    assert "Không có thủ tục nào khớp" in nothing


def test_the_procedure_page_shows_components_reduced_online_limit_fee_and_the_start_button(client, demo_catalog):
    response = client.get(reverse("portal:procedure", args=[FOREIGN_MARRIAGE]))
    assert response.status_code == 200
    html = response.content.decode()
    procedure = Procedure.objects.get(code=FOREIGN_MARRIAGE)
    assert procedure.name in html and "Cấp xã" in html and "DVCTT một phần" in html
    assert "15 ngày làm việc; nộp trực tuyến: 10,5 ngày làm việc (rút ngắn 30%)" in html
    assert "1.000.000 đồng" in html
    components = list(ProcedureComponent.objects.filter(procedure=procedure))
    assert components
    for component in components:
        assert component.name in html
    assert "UBND Phường Phan Đình Phùng" in html and "92 đơn vị" in html
    assert "Nộp hồ sơ trực tuyến" in html and "Bộ phận Một cửa" not in html

    correction = client.get(reverse("portal:procedure", args=[CORRECTION])).content.decode()
    assert "3 ngày làm việc; nộp trực tuyến: 2,1 ngày làm việc (rút ngắn 30%)" in correction
    assert "15.000 đồng" in correction
    assert "bắt buộc" in correction
    assert f'href="{reverse("portal:apply", args=[CORRECTION])}"' in correction


def test_a_procedure_not_offered_online_sends_the_citizen_to_the_desk(client, demo_catalog):
    html = client.get(reverse("portal:procedure", args=[MOBILE_BIRTH])).content.decode()
    assert "Chưa cung cấp DVCTT" in html
    assert "Nộp hồ sơ trực tuyến" not in html and "nop-truc-tuyen" not in html
    assert "Bộ phận Một cửa" in html
    assert "5 ngày làm việc" in html and "nộp trực tuyến:" not in html
    assert "Không thu phí" in html
    # A province-level procedure lists its department by name, not the communes.
    provincial = Procedure.objects.get(code="1.011441")
    department = provincial.authorities.get().unit
    page = client.get(reverse("portal:procedure", args=[provincial.code])).content.decode()
    assert department.name in page and "Xem danh sách xã, phường" not in page
    assert "80.000 đồng" in page


def test_an_unknown_procedure_is_404(client, demo_catalog):
    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404
    assert client.get("/dich-vu-cong/thu-tuc/khong-co/").status_code == 404


def test_the_pages_have_no_inline_scripts_or_event_handlers_under_the_csp(client, demo_catalog):
    for url in (reverse("portal:catalog"), reverse("portal:catalog") + "?q=khai+sinh&page=1",
                reverse("portal:procedure", args=[BIRTH]), reverse("portal:procedure", args=[MOBILE_BIRTH])):
        response = client.get(url)
        html = response.content.decode()
        assert not INLINE_HANDLER.search(html), url
        assert "<script" not in html and "javascript:" not in html, url
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src" not in csp  # scripts only from the site itself
        assert '<html lang="vi">' in html and '<main id="main"' in html and 'href="#main"' in html


def test_the_portal_layout_offers_sign_in_or_the_citizens_name_and_sign_out(client, demo_catalog):
    html = client.get(reverse("portal:catalog")).content.decode()
    assert "Đăng nhập" in html and "Đăng xuất" not in html
    assert f'href="{reverse("portal:my_dossiers")}"' in html and f'href="{reverse("portal:lookup")}"' in html
    assert f'href="{reverse("citizens:signin")}">Đăng nhập</a>' in html
    assert 'aria-current="page">Thủ tục hành chính' in html

    user = get_user_model().objects.create_user("019090001234")
    Citizen.objects.create(user=user, subject="sub-1", id_number="019090001234", full_name="Nguyễn Văn An",
                           birth_date=date(1990, 1, 1))
    client.force_login(user)
    signed_in = client.get(reverse("portal:procedure", args=[BIRTH])).content.decode()
    assert "Nguyễn Văn An" in signed_in and "Đăng nhập</a>" not in signed_in
    logout = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"',
                       signed_in)
    assert logout and logout.group(1) == reverse("citizens:signout") == "/dich-vu-cong/dang-xuat/"


# --- in a real browser: axe-core and a 390 px wide phone ---------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    yield from browsing.launched()


@pytest.mark.browser
def test_the_pages_pass_axe_and_fit_a_phone_screen(live_server, transactional_db, browser):
    load_reference()
    OnlineReductionPolicy.objects.update_or_create(year=timezone.localdate().year, defaults={"percent": 30})
    paths = [reverse("portal:catalog"), reverse("portal:catalog") + "?q=dang+ky&level=commune&page=2",
             reverse("portal:catalog") + "?q=khong+co+gi+ca", reverse("portal:procedure", args=[FOREIGN_MARRIAGE]),
             reverse("portal:procedure", args=[MOBILE_BIRTH])]
    csp_errors = []
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
        page = context.new_page()
        page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        for path in paths:
            assert page.goto(live_server.url + path).status == 200, path
            violations = browsing.serious_violations(page)
            assert not violations, f"{width}px {path}:\n{violations}"
            wide = browsing.too_wide(page, width, tolerance=0)
            assert not wide, f"{width}px {path}: {wide}"
        # The skip link is the first stop of the keyboard and leads to the main content.
        page.goto(live_server.url + reverse("portal:catalog"))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Bỏ qua, đến nội dung chính"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        assert csp_errors == []
        context.close()
