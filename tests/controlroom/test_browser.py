"""Issue 11's "done means" for the control room, in Debian's Chromium (tests/browsing.py).

A provincial monitor opens the province's dashboard and reads every running campaign target with its gap,
trend and forecast; while the page is open a dossier arrives in the background and the target's figure
changes on the page without a reload. A commune's leader opens his dashboard (on a desk screen and on a
phone at 390 px): what to fix first with its gains, and the officer whose dossier will be late with the
apology deadline. The first "sync" action is then done for real (the sync worker's acknowledgment writes
`synced_at` on the listed dossiers) and the commune's total in the index rises by exactly the gain shown,
and the page's total follows by itself. The plan's monthly reports: the units that have not reported are
counted on the dashboard, and one fewer after a unit reports. Every page is checked with axe-core (no
serious or critical violation). Screenshots in test-artifacts/controlroom-browser/.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from motcua.fixfirst.engine import fix_first
from motcua.indicators.service import index_json
from motcua.lib import periods, vnformat
from motcua.plans import monthly
from motcua.plans.seeding import load_plan
from motcua.sync.portal import HANDLER
from motcua.targets.progress import progress
from motcua.units.calendars import CalendarBook
from tests import browsing
from tests.forecasting.test_early_warning import open_dossier, processed
from tests.targets.conftest import make_dossier

from .conftest import PASSWORD, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = browsing.artifacts("controlroom-browser")
LIVE_WAIT_MS = 20_000


@pytest.fixture(scope="module")
def browser():
    yield from browsing.launched(ARTIFACTS)


def check(page, shots, name, *, phone=False):
    page.wait_for_load_state()
    shots.take(page, name)
    violations = browsing.serious_violations(page)
    assert not violations, f"{name}:\n{violations}"
    if phone:
        assert not browsing.too_wide(page, browsing.PHONE["width"]), browsing.too_wide(page, browsing.PHONE["width"])


def live_text(page, key):
    return page.locator(f"[data-live='{key}']").first.inner_text()


def wait_for_live(page, key, text):
    page.wait_for_function("([k, t]) => [...document.querySelectorAll(`[data-live='${k}']`)]"
                           ".every(e => e.textContent === t)", arg=[key, text], timeout=LIVE_WAIT_MS)


def test_the_control_room(browser, live_server, room):
    shots = browsing.Screenshots(ARTIFACTS)
    w = room.world
    now = timezone.now()
    # Commune A's history: six dossiers each processed in 3 working days; an open one due in 2 working
    # days, assigned to Trần Văn Xử, will be late at that pace. Two of its dossiers are not synced yet.
    calendar = CalendarBook().for_unit(w.commune_a.code)
    for week in range(2, 8):
        processed(w, calendar, now - timedelta(weeks=week), 3)
    late_soon = open_dossier(w, 2, now - timedelta(minutes=30))
    unsynced = [make_dossier(w, at=days_ago(n, 11), synced=False).code for n in (1, 2)]
    plan = load_plan().plan

    # -- the provincial monitor ---------------------------------------------------------------------
    monitor = browsing.BackOfficeUser(browser, live_server.url, w.monitor.username)
    monitor.open("/dieu-hanh/", status=200)
    page = monitor.page
    target = room.province_online
    p = progress(target)
    row = page.locator(f"#target-{target.pk}")
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in row.inner_text() and "≥ 92%" in row.inner_text()
    assert live_text(page, f"target-{target.pk}-value") == p.value_text
    assert live_text(page, f"target-{target.pk}-gap") == p.gap_text
    assert f"{p.days_left} ngày" in row.inner_text()
    assert row.locator(".badge").last.inner_text() in ("Dự kiến đạt", "Dự kiến không đạt", "Chưa chắc chắn")
    trend = page.locator(f"#trend-{target.pk}")
    assert trend.locator("svg").count() == 1 and trend.locator("table tbody tr").count() >= 2
    assert page.locator("text=Sở, ban, ngành").count() and page.locator("text=Xã, phường").count()
    plan_block = page.locator(f"#plan-{plan.key}")
    owing = len(monthly.not_reported(plan, monthly.month_of(timezone.localdate())))
    assert f"{owing} đơn vị chưa báo cáo tháng" in plan_block.inner_text()
    check(page, shots, "tinh-bang-dieu-hanh")

    # A dossier arrives online in commune B while the page is open: the target's figure changes in place.
    make_dossier(w, at=timezone.now() - timedelta(seconds=5), online=True, unit=w.commune_b)
    after = progress(target)
    assert after.value_text != p.value_text
    wait_for_live(page, f"target-{target.pk}-value", after.value_text)
    assert page.locator("#live-status").inner_text().startswith("Cập nhật lúc ")
    shots.take(page, "tinh-tu-cap-nhat")

    # -- commune A's leader ---------------------------------------------------------------------------
    leader = browsing.BackOfficeUser(browser, live_server.url, w.leader_a.username)
    leader.open("/dieu-hanh/", status=200)
    page = leader.page
    assert page.url.endswith("/dieu-hanh/don-vi/05443/")
    current, _ = periods.comparison(timezone.localdate(), periods.YEAR_TO_DATE)
    engine = fix_first(*current, unit_code="05443")
    sync = next(a for a in engine["actions"] if a["kind"] == "sync" and a["gain"] > 0)
    assert set(unsynced) <= set(sync["dossiers"])  # with the history's dossiers received at the desk
    shown = page.locator(f"#fix-first tr[data-kind=sync][data-indicator='{sync['indicator']}']")
    assert vnformat.number(sync["gain"], 2, sign=True) in shown.inner_text()
    for code in sync["dossiers"][:5]:
        assert code in shown.inner_text()
    warned = page.locator("table.warnings[data-officer='chuyenvien.pdp']")
    assert late_soon.code in warned.inner_text()
    check(page, shots, "xa-bang-dieu-hanh")

    # Do the sync action for real: the portal acknowledges the listed dossiers.
    total_before = Decimal(str(index_json(*current, unit_code="05443")["units"][0]["total"]))
    assert vnformat.number(total_before, 2) == live_text(page, "unit-total")
    for code in sync["dossiers"]:
        HANDLER.acknowledged(SimpleNamespace(group=code), timezone.now())
    total_after = Decimal(str(index_json(*current, unit_code="05443")["units"][0]["total"]))
    assert total_after - total_before == Decimal(str(sync["gain"]))
    wait_for_live(page, "unit-total", vnformat.number(total_after, 2))
    shots.take(page, "xa-sau-dong-bo")

    # The plan's monthly report: one unit reports, the province's dashboard counts one fewer.
    owing_units = monthly.not_reported(plan, monthly.month_of(timezone.localdate()))
    if owing_units:
        from motcua.core.models import Membership, Role

        reporter = Membership.objects.filter(unit=owing_units[0], role=Role.UNIT_LEADER).first()
        if reporter is None:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.create(username="lanhdao.bc")
            reporter = Membership.objects.create(user=user, unit=owing_units[0], role=Role.UNIT_LEADER,
                                                 full_name="Lãnh đạo báo cáo")
        monthly.submit_report(plan, reporter.user, monthly.month_of(timezone.localdate()), "Đã thực hiện.")
        monitor.open("/dieu-hanh/", status=200)
        assert f"{owing - 1} đơn vị chưa báo cáo tháng" in monitor.page.locator(f"#plan-{plan.key}").inner_text()

    # The leader on his phone at 390 px: the same page, no sideways scrolling.
    phone = browsing.Visitor(browser, live_server.url, phone=True)
    phone.page.goto(f"{live_server.url}/dang-nhap/")
    phone.page.fill("#id_username", w.leader_a.username)
    phone.page.fill("#id_password", PASSWORD)
    phone.page.click("button[type=submit] >> text=Đăng nhập")
    phone.page.wait_for_load_state()
    phone.open("/dieu-hanh/don-vi/05443/", status=200)
    check(phone.page, shots, "xa-dien-thoai", phone=True)
