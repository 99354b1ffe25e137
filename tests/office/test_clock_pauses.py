"""Overlapping pauses count once on the office clock, as in the index (lateness.merge_intervals)."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from motcua.dossiers.constants import Status
from motcua.lib.workingtime import WorkingCalendar
from motcua.office.clock import clock_of

T = datetime.fromisoformat


def test_overlapping_supplement_and_fee_wait_shift_the_due_time_once():
    calendar = WorkingCalendar()
    dossier = SimpleNamespace(due_at=T("2025-11-05T17:00:00+07:00"), status=Status.PROCESSING, end_at=None)
    # Mon 3/11 07:00–17:00 (8 h) and Mon 13:30 – Tue 11:30 (3.5 h + 4.5 h): their union is Mon + Tue morning.
    pauses = [SimpleNamespace(kind="supplement", requested_at=T("2025-11-03T07:00:00+07:00"), completed_at=T("2025-11-03T17:00:00+07:00")),
              SimpleNamespace(kind="fee_wait", requested_at=T("2025-11-03T13:30:00+07:00"), completed_at=T("2025-11-04T11:30:00+07:00"))]
    clock = clock_of(dossier, calendar, T("2025-11-05T08:00:00+07:00"), pauses=pauses)
    # 12.5 working hours of pause (not 16): Wed 17:00 + 12.5 h = Fri 7/11 11:30.
    assert clock.effective_due == T("2025-11-07T11:30:00+07:00")


def test_the_control_sheet_deducts_the_pauses_inside_each_step():
    """A step that held the dossier Mon 3/11 07:00 – Wed 5/11 17:00 (24 working hours) while a supplement
    was open Tue 07:00 – Tue 17:00 used 16 hours of its own: the 8 paused hours are the citizen's."""
    from motcua.office.clock import control_sheet

    calendar = WorkingCalendar()
    calendars = SimpleNamespace(for_unit=lambda code: calendar)
    unit = SimpleNamespace(code="05443")
    step = SimpleNamespace(unit=unit, received_at=T("2025-11-03T07:00:00+07:00"),
                           released_at=T("2025-11-05T17:00:00+07:00"), due_at=T("2025-11-05T07:00:00+07:00"))
    pause = SimpleNamespace(kind="supplement", requested_at=T("2025-11-04T07:00:00+07:00"),
                            completed_at=T("2025-11-04T17:00:00+07:00"))
    dossier = SimpleNamespace(due_at=T("2025-11-07T17:00:00+07:00"), status=Status.RESOLVED, end_at=None)
    [row] = control_sheet(dossier, calendars, T("2025-11-06T08:00:00+07:00"), handovers=[step], pauses=[pause])
    assert row.used == timedelta(hours=16)
    # 16 h against an allowance of 16 h (Mon 07:00 – Wed 07:00): kept to its share.
    assert row.allowed == timedelta(hours=16) and row.on_time is True
    # Without the pause the same step would have overrun its share.
    [bare] = control_sheet(dossier, calendars, T("2025-11-06T08:00:00+07:00"), handovers=[step], pauses=[])
    assert bare.used == timedelta(hours=24) and bare.on_time is False


def test_an_open_pause_stops_the_step_clock_until_now():
    from motcua.office.clock import control_sheet

    calendar = WorkingCalendar()
    calendars = SimpleNamespace(for_unit=lambda code: calendar)
    step = SimpleNamespace(unit=SimpleNamespace(code="05443"), received_at=T("2025-11-03T07:00:00+07:00"),
                           released_at=None, due_at=T("2025-11-04T07:00:00+07:00"))
    waiting = SimpleNamespace(kind="fee_wait", requested_at=T("2025-11-03T11:00:00+07:00"), completed_at=None)
    dossier = SimpleNamespace(due_at=T("2025-11-05T17:00:00+07:00"), status=Status.WAITING_FEES, end_at=None)
    [row] = control_sheet(dossier, calendars, T("2025-11-05T10:00:00+07:00"), handovers=[step], pauses=[waiting])
    assert row.used == timedelta(hours=4)  # 07:00–11:00, then the citizen owes the fee
    assert row.open and row.on_time is None
