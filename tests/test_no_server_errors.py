"""No server errors: extreme dates answer 400 naming the parameter, and errors get branded Vietnamese pages.

Issue 12: year 1 or 9999 in `/api/v1/index`, `/api/v1/index/extras`, `/chi-so/` and the weekly report
answered 500 with Django's bare English page. Every entry point now checks its dates with
`motcua.lib.periods.check_day` / `check_period` (years 2000–2100, at most 10 years in one period).
"""

import json

import pytest

from motcua.lib import periods
from tests.office.conftest import client_of, media_root, password_hash, world  # noqa: F401

EXTREME_PERIODS = [
    ("0001-01-01", "0001-01-07"),
    ("9999-12-25", "9999-12-31"),
    ("0001-01-01", "9999-12-31"),
    ("1999-12-31", "2025-01-01"),
    ("2000-01-01", "2025-01-01"),  # in range, but 25 years in one period
]
EXTREME_DAYS = ["0001-01-01", "0001-01-06", "9999-12-31", "9999-12-25", "2101-01-01", "1999-12-31"]


def _api_urls():
    for date_from, date_to in EXTREME_PERIODS:
        for endpoint in ("/api/v1/index", "/api/v1/index/extras", "/api/v1/fix-first"):
            yield f"{endpoint}?from={date_from}&to={date_to}" + ("&unit=05443" if "fix" in endpoint else "")


def _page_urls():
    for date_from, date_to in EXTREME_PERIODS:
        yield f"/chi-so/?ky=range&tu_ngay={date_from}&den_ngay={date_to}"
        yield f"/chi-so/chi-tieu/1/?tu_ngay={date_from}&den_ngay={date_to}"
        yield f"/chi-so/viec-can-lam/?don_vi=05443&tu_ngay={date_from}&den_ngay={date_to}"
    for day in EXTREME_DAYS:
        for length in periods.LENGTHS[:-1]:
            yield f"/chi-so/?ky={length}&den_ngay={day}"
            yield f"/chi-so/?ky={length}&den_ngay=2025-01-01&so_sanh_ngay={day}"
        yield f"/chi-so/xep-hang/?ky=week&den_ngay={day}"
        yield f"/chi-so/tut-hau/?ky=year&den_ngay={day}"
        yield f"/bao-cao/chi-so-766-tuan.pdf?den_ngay={day}"
        yield f"/bao-cao/chi-so-766-tuan.pdf?den_ngay={day}&luy_ke=on"
        yield f"/bao-cao/chi-so-766-tuan.xlsx?den_ngay={day}"


@pytest.fixture
def monitor(world, client_of):  # noqa: F811
    client = client_of(world.monitor)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", list(_api_urls()))
def test_api_answers_400_in_vietnamese_naming_the_parameter(monitor, url):
    response = monitor.get(url)
    assert response.status_code == 400, (url, response.status_code)
    error = json.loads(response.content)["error"]
    assert error["parameter"] in ("from", "to")
    assert f"Tham số “{error['parameter']}”" in error["message"]
    assert "cho phép" in error["message"] or "tối đa" in error["message"]


@pytest.mark.parametrize("url", list(_page_urls()))
def test_pages_and_reports_answer_400_in_vietnamese(monitor, url):
    response = monitor.get(url)
    assert response.status_code == 400, (url, response.status_code)
    text = response.content.decode()
    assert "nằm ngoài khoảng cho phép 01/01/2000 – 31/12/2100" in text or "dài tối đa 10 năm" in text


def _other_pages():
    for date_from, date_to in EXTREME_PERIODS[:3]:
        yield f"/su-dung-dich-vu-cong/?tu_ngay={date_from}&den_ngay={date_to}", 400
        yield f"/su-dung-dich-vu-cong/?tu_ngay={date_from}&den_ngay={date_to}&xuat=xlsx", 400
        yield f"/dong-bo/?tu_ngay={date_from}&den_ngay={date_to}", 400
        # These two fall back to their default period on a date they cannot use, as on one that is not a date.
        yield f"/du-bao/?tu={date_from}&den={date_to}", 200
        yield f"/muc-do-hai-long/it-hai-long/?tuan={date_to}", 200


@pytest.mark.parametrize("url, status", list(_other_pages()))
def test_the_other_pages_with_a_period_answer_without_a_server_error(monitor, url, status):
    response = monitor.get(url)
    assert response.status_code == status, (url, response.status_code)
    if status == 400:
        assert "nằm ngoài khoảng cho phép 01/01/2000 – 31/12/2100" in response.content.decode()


@pytest.mark.parametrize("date_from, date_to", [("2000-01-01", "2000-01-07"), ("2091-01-01", "2100-12-31"),
                                                ("2015-01-01", "2025-01-01")])
def test_the_edges_of_the_allowed_range_are_answered(monitor, date_from, date_to):
    for endpoint in ("/api/v1/index", "/api/v1/index/extras"):
        assert monitor.get(f"{endpoint}?from={date_from}&to={date_to}").status_code == 200
    assert monitor.get(f"/chi-so/?ky=range&tu_ngay={date_from}&den_ngay={date_to}").status_code == 200


def test_check_period_rules():
    from datetime import date
    assert periods.check_period(date(2000, 1, 1), date(2009, 12, 31)) == (date(2000, 1, 1), date(2009, 12, 31))
    with pytest.raises(periods.PeriodOutOfRange) as problem:
        periods.check_period(date(2000, 1, 1), date(2010, 1, 2), "tu_ngay", "den_ngay")
    assert problem.value.parameter == "tu_ngay"
    with pytest.raises(periods.PeriodOutOfRange) as problem:
        periods.check_period(date(2025, 1, 2), date(2025, 1, 1))
    assert problem.value.parameter == "to"
    with pytest.raises(periods.PeriodOutOfRange) as problem:
        periods.check_day(date(9999, 12, 31), "den_ngay")
    assert "31/12/9999" in problem.value.message and "“den_ngay”" in problem.value.message
    with pytest.raises(periods.PeriodOutOfRange) as problem:
        periods.check_day(date(1, 1, 1), "from")
    assert problem.value.message == ("Tham số “from”: ngày 01/01/0001 nằm ngoài khoảng cho phép "
                                     "01/01/2000 – 31/12/2100.")


# -- branded Vietnamese error pages (DEBUG off) ------------------------------------------------------------

def _boom(request):
    raise RuntimeError("a view that fails")


def _suspicious(request):
    from django.core.exceptions import SuspiciousOperation
    raise SuspiciousOperation("a request that cannot be trusted")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied
    raise PermissionDenied


def _urlpatterns():
    from django.urls import path

    import motcua.urls
    return [path("__hong__/", _boom), path("__nghi-ngo__/", _suspicious), path("__cam__/", _forbidden),
            *motcua.urls.urlpatterns]


urlpatterns = _urlpatterns()
handler500 = "motcua.pages.errors.server_error"  # the same handler as motcua.urls (checked below)


@pytest.fixture
def failing_urls(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def test_the_project_uses_the_branded_500_handler():
    import motcua.urls
    assert motcua.urls.handler500 == handler500


@pytest.mark.django_db
def test_a_view_that_raises_answers_the_vietnamese_500_page(failing_urls, client):
    client.raise_request_exception = False
    response = client.get("/__hong__/")
    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="vi">' in text and "Hệ thống đang gặp sự cố" in text
    assert "Server Error" not in text


def test_the_500_page_renders_with_no_database_and_no_request(failing_urls, rf):
    # No django_db mark: any query would fail the test.
    from motcua.pages.errors import server_error
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_the_500_handler_answers_even_without_its_template(failing_urls, rf, settings):
    from motcua.pages.errors import server_error
    response = server_error(rf.get("/"), template_name="khong-co.html")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url, status, heading", [
    ("/__nghi-ngo__/", 400, "Yêu cầu không hợp lệ"),
    ("/__cam__/", 403, "Không có quyền thực hiện"),
    ("/khong-co-trang-nay/", 404, "Không tìm thấy"),
])
def test_400_403_404_are_branded_vietnamese_pages(failing_urls, client, url, status, heading):
    response = client.get(url)
    assert response.status_code == status
    text = response.content.decode()
    assert heading in text and "Một cửa Thái Nguyên" in text and "Not Found" not in text
