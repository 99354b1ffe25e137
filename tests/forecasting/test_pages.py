"""The early-warning and forecast pages: who sees what, and the numbers the plain functions give."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.forecasting import indexcast, pace
from motcua.lib.vnformat import local_moment, number
from motcua.targets.models import Scope, Target
from motcua.units.calendars import CalendarBook
from tests.forecasting.test_early_warning import open_dossier, processed
from tests.office.conftest import AT

NOW = AT + timedelta(minutes=5)


@pytest.fixture
def warned(world):
    """Commune A processes in 3 working days; the officer's dossier due in 2 and the leader's due in 1
    will be late, the one due in 5 will not."""
    calendar = CalendarBook().for_unit(world.commune_a.code)
    for week in range(1, 7):
        processed(world, calendar, AT - timedelta(weeks=week), 3)
    mine = open_dossier(world, 2, AT, assignee=world.processor_a, code="7.1")
    leaders = open_dossier(world, 1, AT, assignee=world.leader_a, code="7.2")
    fine = open_dossier(world, 5, AT, assignee=world.processor_a, code="7.3")
    return mine, leaders, fine


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def codes(response):
    return {d.code for d in Dossier.objects.all() if f'data-code="{d.code}"' in response.content.decode()}


def test_an_officer_sees_his_own_warnings_with_the_apology_deadline(world, warned, frozen, client_of):
    mine, leaders, fine = warned
    response = client_of(world.processor_a).get("/canh-bao-tre-han/")
    assert response.status_code == 200
    assert codes(response) == {mine.code}
    w = pace.early_warnings(Dossier.objects.filter(pk=mine.pk), NOW)[0]
    page = response.content.decode()
    assert "Hạn ban hành văn bản xin lỗi" in page and local_moment(w.effective_due) in page
    assert local_moment(w.predicted_end) in page


def test_a_leader_sees_his_units_warnings_per_officer(world, warned, frozen, client_of):
    mine, leaders, fine = warned
    response = client_of(world.leader_a).get("/canh-bao-tre-han/")
    page = response.content.decode()
    assert codes(response) == {mine.code, leaders.code}
    assert page.index("Lê Văn Lãnh") < page.index(leaders.code) < page.index("Trần Văn Xử") < page.index(mine.code)
    assert 'id="flagged">2<' in page and 'id="assessed">3<' in page


def test_another_units_officers_see_nothing_of_it_and_the_monitor_sees_all(world, warned, frozen, client_of):
    mine, leaders, fine = warned
    assert codes(client_of(world.processor_b).get("/canh-bao-tre-han/")) == set()
    assert codes(client_of(world.dept_leader).get("/canh-bao-tre-han/")) == set()
    assert codes(client_of(world.monitor).get("/canh-bao-tre-han/")) == {mine.code, leaders.code}
    assert codes(client_of(world.monitor).get(f"/canh-bao-tre-han/?don_vi={world.commune_b.code}")) == set()
    assert client_of(world.monitor).get("/canh-bao-tre-han/?don_vi=khong-co").status_code == 404
    assert client_of(world.citizen).get("/canh-bao-tre-han/").status_code == 403
    from django.test import Client
    assert Client().get("/canh-bao-tre-han/").status_code == 302


PERIOD = "?tu=2025-10-01&den=2025-12-31"


def test_the_monitor_sees_every_units_forecast_with_a_chart_and_a_table(world, warned, frozen, client_of):
    response = client_of(world.monitor).get("/du-bao/" + PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    units = indexcast.forecast_units(date(2025, 10, 1), date(2025, 12, 31), now=NOW)
    province = units[0]
    assert f'id="forecast-total">{number(province.total.projection.value, 2)}<' in page
    for unit in units:
        assert f'data-unit="{unit.code}"' in page
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1]
    assert 'id="series"' in page and 'data-what="group:II"' in page
    detail = client_of(world.monitor).get(f"/du-bao/{PERIOD}&don_vi={world.commune_a.code}").content.decode()
    commune = next(u for u in units if u.code == world.commune_a.code)
    assert f'id="current-total">{number(commune.total.current, 2)}<' in detail


def test_a_leader_sees_his_own_unit_only(world, warned, frozen, client_of):
    client = client_of(world.leader_a)
    page = client.get("/du-bao/" + PERIOD).content.decode()
    assert world.commune_a.name in page and 'id="units"' not in page
    assert client.get(f"/du-bao/{PERIOD}&don_vi={world.commune_b.code}").status_code == 404
    for person in (world.processor_a, world.desk_a, world.citizen):
        assert client_of(person).get("/du-bao/").status_code == 403


def test_a_units_target_is_forecast_on_its_page(world, warned, frozen, client_of):
    target = Target.objects.create(measure="total", scope=Scope.UNIT, unit=world.commune_a, value=Decimal("90"),
                                   start=date(2025, 10, 1), end=date(2025, 12, 13), programme="Chiến dịch 45 ngày",
                                   created_at=AT - timedelta(days=40))
    page = client_of(world.leader_a).get("/du-bao/" + PERIOD).content.decode()
    assert f'data-target="{target.pk}"' in page
    assert any(label in page for label in ("Dự kiến đạt", "Dự kiến không đạt", "Chưa chắc chắn"))
    # recorded with the index's forecasts
    from django.core.management import call_command
    call_command("forecast", "record", "--from", "2025-10-01", "--to", "2025-12-31")
    from motcua.forecasting.models import Forecast
    assert Forecast.objects.filter(what=f"target:{target.pk}", scope=world.commune_a.code,
                                   for_date=date(2025, 12, 13)).count() == 1
    assert Forecast.objects.filter(what="total", scope=world.province.code).count() == 2
