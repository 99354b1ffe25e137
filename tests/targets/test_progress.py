"""Progress numbers on a world small enough to compute by hand."""

from datetime import date
from decimal import Decimal

import pytest

from motcua.targets import history
from motcua.targets.models import Scope
from motcua.targets.progress import Reader, measure_value, progress, trend, unit_readings

from .conftest import local, make_dossier

START, END = date(2025, 11, 3), date(2025, 11, 14)  # Monday to Friday of the next week: 10 working days
TODAY = date(2025, 11, 5)  # Wednesday


@pytest.fixture
def online_world(world):
    """Commune A receives 4 dossiers, 3 of them online, all synced: online share 3/4 = 75%."""
    make_dossier(world, at=local(3, 9), online=True)
    make_dossier(world, at=local(3, 10), online=True)
    make_dossier(world, at=local(4, 9), online=True)
    make_dossier(world, at=local(4, 10), online=False)
    # Commune B: 1 dossier in person, so the province is 3/5 = 60%.
    make_dossier(world, at=local(4, 11), online=False, unit=world.commune_b)
    return world


def online_target(w, scope=Scope.UNIT, value="92", **more):
    unit = w.commune_a if scope == Scope.UNIT else None
    return history.create_target(measure="online", scope=scope, unit=unit, value=Decimal(value), start=START,
                                 end=END, programme="Chiến dịch 45 ngày", **more)


def test_value_gap_days_and_effort_of_an_online_share(online_world):
    p = progress(online_target(online_world), today=TODAY)
    assert p.status == "running"
    assert (p.date_from, p.date_to) == (START, TODAY)
    assert (p.reading.numerator, p.reading.denominator) == (3, 4)
    assert p.value == Decimal("75.00")
    assert p.gap == Decimal("-17.00")
    assert p.met is False
    assert p.shortfall == Decimal("17.00")
    # Calendar days 5..14 November (today included); working days among them: 5, 6, 7, 10-14.
    assert (p.days_left, p.working_days_left, p.working_days_elapsed) == (10, 8, 3)
    # Pace 4 dossiers / 3 working days; at the end 4 + 4/3 × 8 = 44/3 dossiers, of which 92% = 13.49 online:
    # 11 more online dossiers, 11/8 = 1.375 -> 1.4 per working day, more than the 32/3 new ones expected.
    e = p.effort
    assert e.kind == "items"
    assert e.total == 11
    assert e.per_day == Decimal("1.4")
    assert e.expected_per_day == Decimal("1.3")
    assert e.feasible is False
    assert "11 hồ sơ nộp trực tuyến" in e.text
    assert p.value_text == "75,00%" and p.gap_text == "-17,00 điểm %"


def test_province_scope_reads_the_province_and_units_share_one_call(online_world):
    reader = Reader()
    p = progress(online_target(online_world, scope=Scope.PROVINCE), today=TODAY, reader=reader)
    assert (p.reading.numerator, p.reading.denominator) == (3, 5)
    assert p.value == Decimal("60.00")
    readings = unit_readings("online", START, TODAY, reader=reader)
    assert readings[online_world.commune_a.code].value == Decimal("75.00")
    assert readings[online_world.commune_b.code].value == Decimal("0.00")
    assert reader.calls == 1


def test_a_met_target_and_an_at_most_target(online_world):
    met = progress(online_target(online_world, value="70"), today=TODAY)
    assert met.gap == Decimal("5.00") and met.met is True
    at_most = progress(online_target(online_world, value="80", comparison="le"), today=TODAY)
    assert at_most.met is True and at_most.effort.kind == "at_most"


def test_not_started_and_ended(online_world):
    target = online_target(online_world)
    before = progress(target, today=date(2025, 11, 1))
    assert before.status == "not_started" and before.value is None and before.days_left == 12
    after = progress(target, today=date(2025, 12, 1))
    assert after.status == "ended" and after.date_to == END and after.days_left == 0 and after.effort is None
    assert after.value == Decimal("75.00")


def test_points_measure_effort(online_world):
    target = history.create_target(measure="total", scope=Scope.UNIT, unit=online_world.commune_a,
                                   value=Decimal("90"), start=START, end=END, programme="Kế hoạch")
    p = progress(target, today=TODAY)
    total = Decimal(str(measure_value("total", START, TODAY, unit_code=online_world.commune_a.code).value))
    assert p.value == total
    assert p.gap == (total - 90).quantize(Decimal("0.01"))
    if p.gap < 0:
        assert p.effort.kind == "points"
        assert p.effort.total == -p.gap
        assert p.effort.per_day >= -p.gap / 8


def test_daily_and_weekly_trend(online_world):
    target = online_target(online_world)
    reader = Reader()
    daily = trend(target, today=TODAY, reader=reader)
    assert [pt.day for pt in daily] == [date(2025, 11, 3), date(2025, 11, 4), TODAY]
    assert [pt.since_start for pt in daily] == [Decimal("100.00"), Decimal("75.00"), Decimal("75.00")]
    assert [pt.alone for pt in daily] == [Decimal("100.00"), Decimal("50.00"), None]  # nothing on the 5th
    weekly = trend(target, today=date(2025, 11, 12), step="week")
    assert [pt.day for pt in weekly] == [date(2025, 11, 9), date(2025, 11, 12)]
    assert weekly[0].since_start == Decimal("75.00") and weekly[1].alone is None
    capped = trend(target, today=date(2025, 11, 12), max_points=4)
    assert [pt.day for pt in capped] == [date(2025, 11, 9), date(2025, 11, 10), date(2025, 11, 11),
                                         date(2025, 11, 12)]
    assert capped[0].since_start == Decimal("75.00")


def test_effort_wording_when_met_and_without_dossiers(world):
    empty = progress(online_target(world), today=TODAY)
    assert empty.value is None and empty.gap is None and empty.met is None
    assert empty.effort.kind == "none" and empty.effort.per_day is None
    make_dossier(world, at=local(3, 9), online=True)
    make_dossier(world, at=local(4, 9), online=True)
    met = progress(online_target(world, value="50"), today=TODAY)
    # 2 of 2 online; at the end 2 + 2/3 × 8 = 22/3 dossiers, half of them online = 3,67: 2 more.
    assert met.met is True and met.effort.total == 2 and met.effort.per_day == Decimal("0.3")
    assert met.effort.text.startswith("Để giữ chỉ tiêu") and met.effort.feasible is True
