"""The index forecast over the real index service: readings, projection, stored forecasts and their
comparison with what happened."""

from datetime import date, timedelta

import pytest

from motcua.forecasting import indexcast
from motcua.forecasting.models import Forecast
from motcua.forecasting.projection import project
from motcua.indicators.service import index_json
from motcua.lib.periods import evaluation_moment
from motcua.office import actions
from motcua.units.calendars import CalendarBook
from tests.office.conftest import AT, receive

FROM, TO = date(2025, 10, 1), date(2025, 12, 31)
TODAY = AT.date()


@pytest.fixture
def activity(world):
    """Commune A receives and resolves a dossier a week, some late, from October."""
    calendar = CalendarBook().for_unit(world.commune_a.code)
    for week in range(1, 6):
        at = AT - timedelta(weeks=week)
        d = receive(world, at=at)
        d = actions.do_assign(d, actor=world.leader_a, assignee=world.processor_a, version=d.version, at=at)
        days = 2 if week % 2 else 0.5  # the 1-day birth registration: every other one late
        actions.do_resolve(d, actor=world.processor_a, result_text="Đã cấp", version=d.version,
                           at=calendar.add_working_time(at, days * calendar.hours_per_day))
    return world


def test_readings_are_the_index_of_the_period_so_far_at_each_weeks_end(activity):
    units = indexcast.forecast_units(FROM, TO, now=AT)
    by_code = {u.code: u for u in units}
    assert units[0].code == activity.province.code and activity.commune_a.code in by_code
    total = by_code[activity.commune_a.code].total
    assert [d for d, _ in total.series] == [TODAY - timedelta(weeks=k) for k in range(5, -1, -1)]
    for day, value in total.series:
        entry = next(u for u in index_json(FROM, day, now=evaluation_moment(day, AT))["units"]
                     if u["code"] == activity.commune_a.code)
        assert value == entry["total"]
    expected = project(total.series, TO, upper=100)
    assert (total.projection.value, total.projection.low, total.projection.high) == (
        expected.value, expected.low, expected.high)
    assert set(by_code[activity.commune_a.code].quantities) == {"total", "group:I", "group:II", "group:III",
                                                                 "group:IV", "group:V"}


def test_recording_stores_each_quantity_once_a_day(activity):
    rows = indexcast.record(FROM, TO, now=AT)
    units = len(index_json(FROM, TODAY, now=AT)["units"])
    assert len(rows) == units * 6 * 2  # the period's end and a week ahead
    assert Forecast.objects.count() == len(rows)
    again = indexcast.record(FROM, TO, now=AT + timedelta(hours=3))
    assert Forecast.objects.count() == len(again) == len(rows)
    row = Forecast.objects.get(what="total", scope=activity.commune_a.code, for_date=TO)
    assert row.made_on == TODAY and row.low <= row.value <= row.high
    ahead = Forecast.objects.get(what="total", scope=activity.commune_a.code, for_date=TODAY + timedelta(days=7))
    assert ahead.current == row.current


def test_the_forecast_made_a_week_ago_is_held_against_what_happened(activity):
    scope = activity.commune_a.code
    week_ago = TODAY - timedelta(days=7)
    readings = indexcast.Readings(FROM, "qd766", AT)
    actual_now = readings.value(TODAY, scope, "total")
    common = {"what": "total", "scope": scope, "period_from": FROM, "made_on": week_ago,
              "made_at": AT - timedelta(days=7), "current": 0}
    # the short forecast made 7 days ago for today, with a band that holds today's value
    Forecast.objects.create(for_date=TODAY, value=actual_now - 1, low=actual_now - 2, high=actual_now + 2, **common)
    # the one for the period's end: compared with today's value, the end not having come
    Forecast.objects.create(for_date=TO, value=actual_now + 10, low=actual_now + 5, high=actual_now + 15, **common)
    found = dict(indexcast.comparisons(scope, "total", FROM, TO, readings, AT))
    assert found["ahead"].actual == actual_now and found["ahead"].final
    assert found["ahead"].error == pytest.approx(1) and found["ahead"].within
    assert found["end"].actual == actual_now and not found["end"].final
    assert found["end"].error == pytest.approx(-10) and not found["end"].within


def test_a_forecast_whose_date_has_passed_is_held_against_the_value_on_that_date(activity):
    scope = activity.commune_a.code
    past = TODAY - timedelta(days=10)
    readings = indexcast.Readings(FROM, "qd766", AT)
    forecast = Forecast.objects.create(what="total", scope=scope, period_from=FROM, for_date=past,
                                       made_on=past - timedelta(days=7), made_at=AT - timedelta(days=17),
                                       value=50, low=40, high=60, current=45)
    comparison = indexcast.compare(forecast, lambda day: readings.value(day, scope, "total"), TODAY)
    assert comparison.actual_on == past and comparison.final
    assert comparison.actual == readings.value(past, scope, "total")
    assert indexcast.made_a_week_ago(scope, "total", FROM, None, TODAY) == forecast
    assert indexcast.made_a_week_ago(scope, "total", FROM, None, past - timedelta(days=1)) is None  # not come yet


def test_a_period_not_started_has_nothing_to_forecast(world):
    assert indexcast.forecast_units(TODAY + timedelta(days=1), TO, now=AT) == []
    assert indexcast.record(TODAY + timedelta(days=1), TO, now=AT) == []
