"""Overlapping pauses count once on the office clock, as in the index (lateness.merge_intervals)."""

from datetime import datetime
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
