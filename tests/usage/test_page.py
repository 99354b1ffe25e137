"""The usage page (/su-dung-dich-vu-cong/): who sees it and which rows, the Vietnamese formats, the exports;
and the issue's "done means": the page shows the visits of the test's own browsing."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from motcua.applications.models import Draft
from motcua.usage.models import DailyFunnel, DailyUsage, PageKind
from tests.portal.test_apply import apply_online
from tests.usage.conftest import CHROME, FIREFOX, browser
from tests.usage.test_aggregate import DAY, at

PAGE = reverse("office:usage")
PERIOD = {"tu_ngay": DAY.isoformat(), "den_ngay": DAY.isoformat()}


@pytest.fixture
def numbers(portal_world):
    w = portal_world
    DailyUsage.objects.create(day=DAY, kind=PageKind.CATALOG, views=1234567, entries=4321, new_visitors=2345)
    DailyUsage.objects.create(day=DAY, kind=PageKind.PROCEDURE, procedure_key=w.birth.pk, views=1500,
                              procedure_visitors=900)
    DailyFunnel.objects.create(day=DAY, procedure=w.birth, unit=w.commune_a, started=3, submitted=2,
                               abandoned_answered=1, settled=True)
    DailyFunnel.objects.create(day=DAY, procedure=w.copy, unit=w.commune_b, started=7, submitted=5, settled=True)
    return w


@pytest.mark.parametrize("persona, status", [("monitor", 200), ("admin", 200), ("leader_a", 200), ("desk_a", 403),
                                             ("processor_a", 403), ("viewer_a", 403), ("citizen", 403)])
def test_who_may_see_the_page(numbers, client_of, persona, status):
    assert client_of(getattr(numbers, persona)).get(PAGE).status_code == status


def test_a_visitor_not_signed_in_is_sent_to_the_login(numbers, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_province_sees_every_unit_in_vietnamese_formats(numbers, client_of):
    page = client_of(numbers.monitor).get(PAGE, PERIOD).content.decode()
    assert '<b id="total-visits">4.321</b>' in page and '<b id="total-visitors">2.345</b>' in page
    assert "1.236.067" in page  # 1.234.567 + 1.500 views
    assert "66,67%" in page and "71,43%" in page  # 2 of 3, 5 of 7 submitted
    assert "03/11/2025" in page
    assert numbers.commune_a.name in page and numbers.commune_b.name in page
    assert "<svg" in page and "<script" not in page  # the chart, without a script the CSP would refuse
    assert "Sử dụng DVC trực tuyến" in page  # the navigation's link


def test_a_unit_leader_sees_his_unit_only(numbers, client_of):
    page = client_of(numbers.leader_a).get(PAGE, PERIOD).content.decode()
    assert numbers.commune_a.name in page and numbers.commune_b.name not in page
    assert numbers.copy.name not in page and "66,67%" in page
    assert 'id="total-visits"' not in page  # the portal's totals are not his unit's
    # Asking for another unit is refused by the form, not answered with its numbers.
    response = client_of(numbers.leader_a).get(PAGE, {**PERIOD, "don_vi": numbers.commune_b.pk})
    assert response.status_code == 400 and "71,43%" not in response.content.decode()


def test_filters_by_procedure_and_unit(numbers, client_of):
    monitor = client_of(numbers.monitor)
    page = monitor.get(PAGE, {**PERIOD, "thu_tuc": numbers.copy.code}).content.decode()
    assert "71,43%" in page and "66,67%" not in page
    page = monitor.get(PAGE, {**PERIOD, "don_vi": numbers.commune_a.pk}).content.decode()
    assert "66,67%" in page and "71,43%" not in page
    assert monitor.get(PAGE, {**PERIOD, "thu_tuc": "9.999999"}).status_code == 400
    assert monitor.get(PAGE, {"tu_ngay": "2025-11-05", "den_ngay": "2025-11-01"}).status_code == 400


def test_the_exports_open(numbers, client_of):
    monitor = client_of(numbers.monitor)
    response = monitor.get(PAGE, {**PERIOD, "xuat": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Theo ngày", "Theo thủ tục", "Theo đơn vị"]
    days = book["Theo ngày"]
    assert [c.value for c in days[2]][:4] == ["Ngày", "Lượt truy cập", "Khách truy cập", "Lượt xem trang"]
    assert [c.value for c in days[3]][1:4] == [4321, 2345, 1236067]
    services = {row[0]: row for row in book["Theo thủ tục"].iter_rows(min_row=3, values_only=True)}
    assert services[numbers.copy.code][6:8] == (7, 5)
    assert round(services[numbers.birth.code][-1], 4) == 0.6667
    text = monitor.get(PAGE, {**PERIOD, "xuat": "csv"}).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Ngày;Lượt truy cập;") and lines[1].startswith("03/11/2025;4.321;2.345;1.236.067;")
    units = monitor.get(PAGE, {**PERIOD, "xuat": "csv-don-vi"}).content.decode("utf-8-sig")
    assert numbers.commune_b.name in units and "71,43%" in units


def test_the_page_shows_the_visits_of_this_test_s_own_browsing(portal_world, client_of, citizen_client):
    """The issue's "done means": browse the portal as two visitors, apply online, close the day, read the page."""
    w = portal_world
    with time_machine.travel(at(DAY, 9), tick=False) as clock:
        first = browser(FIREFOX, "203.0.113.10")
        for _ in range(2):
            assert first.get(reverse("portal:catalog"), {"q": "khai sinh"}).status_code == 200
        assert first.get(reverse("portal:procedure", args=[w.birth.code])).status_code == 200
        clock.shift(timedelta(hours=2))  # back after a pause: a second visit of the same visitor
        assert first.get(reverse("portal:procedure", args=[w.birth.code])).status_code == 200
        second = browser(CHROME, "198.51.100.20")
        assert second.get(reverse("portal:procedure", args=[w.copy.code])).status_code == 200
        citizen_client.defaults.update(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="192.0.2.30")
        _draft, response = apply_online(citizen_client, w)  # opens the form (a redirect), submits it
        assert response.status_code == 302
        assert citizen_client.get(response["Location"]).status_code == 200  # the dossier page
    with time_machine.travel(at(DAY + timedelta(days=1), 2), tick=False):
        call_command("usage", "aggregate")
        page = client_of(w.monitor).get(PAGE, PERIOD).content.decode()
    # Visits: first visitor 2 (a pause of 2 hours), second 1, the citizen 1. Unique visitors: 3.
    assert '<b id="total-visits">4</b>' in page
    assert '<b id="total-visitors">3</b>' in page
    assert '<b id="total-views">6</b>' in page  # 2 searches, 3 procedure pages, the dossier page
    assert '<b id="total-procedure-views">3</b>' in page
    assert '<b id="total-started">1</b>' in page and '<b id="total-submitted">1</b>' in page
    assert Draft.objects.get().submitted_at is not None
    services = client_of(w.monitor).get(PAGE, {**PERIOD, "xuat": "csv-thu-tuc"}).content.decode("utf-8-sig")
    birth = next(line for line in services.splitlines() if line.startswith(w.birth.code))
    # birth: 2 procedure-page views, 2 visitors of its pages (the first visitor, the citizen on his dossier),
    # 0 form views (submitted straight away), 1 dossier page.
    assert birth.split(";")[2:6] == ["2", "2", "0", "1"]
