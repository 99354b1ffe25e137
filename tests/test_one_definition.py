"""One dossier in each tricky state reads the same everywhere: the work queue, the dossier page, the home
page, the index (live and reference engines, extras), the drill-down behind indicator 2.1 and the
weekly report's overdue list. Every one of them asks `motcua.lib.lateness`.

The record: units and procedures of `tests/conftest.py`, every dossier received Monday 3/11/2025 08:00
with its due on Wednesday 5/11 17:00 (unless said), evaluated on Friday 7/11 10:00.
"""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.core.models import Membership, Role
from motcua.dossiers.models import Dossier
from motcua.indicators import service
from motcua.indicators.members import members
from motcua.interchange.importer import import_folder
from motcua.reports.weekly import weekly_report
from motcua.units.models import Unit
from tests.conftest import dossier, write_folder

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2025-11-07T10:00:00+07:00")
DUE = "2025-11-05T17:00:00+07:00"


def at(text):
    return f"2025-11-{text}:00+07:00"


# code -> (dossier overrides, late by the one definition, urgency in the work queue)
STATES = {
    # An open fee wait requested before the due: the clock stopped then; past due_at, still not late.
    "05443-251103-0001": (dict(fee_waits=[{"requested_at": at("05T09:00"), "completed_at": None}]),
                          False, "paused"),
    # An open fee wait requested after the due: late, judged at the request.
    "05443-251103-0002": (dict(fee_waits=[{"requested_at": at("06T09:00"), "completed_at": None}]),
                          True, "overdue"),
    # An open supplement requested before the due: paused, not late.
    "05443-251103-0003": (dict(supplements=[{"requested_at": at("04T09:00"), "completed_at": None}]),
                          False, "paused"),
    # Two supplement requests: late whatever the times (due far ahead).
    "05443-251103-0004": (dict(due_at="2025-11-20T17:00:00+07:00", supplements=[
        {"requested_at": at("03T09:00"), "completed_at": at("03T10:00")},
        {"requested_at": at("03T13:30"), "completed_at": at("03T14:00")}]), True, "overdue"),
    # Overlapping supplement (Tue 07:00–17:00, 8 h) and fee wait (Tue 13:30 – Wed 11:30): 12.5 h once, not
    # 16 h: the due moves to Fri 7/11 11:30, after NOW and within a working day.
    "05443-251103-0005": (dict(supplements=[{"requested_at": at("04T07:00"), "completed_at": at("04T17:00")}],
                               fee_waits=[{"requested_at": at("04T13:30"), "completed_at": at("05T11:30")}]),
                          False, "due_soon"),
    # A 2-hour supplement moves the due to Thu 6/11 09:00; resolved exactly then: on time.
    "05443-251103-0006": (dict(supplements=[{"requested_at": at("04T09:00"), "completed_at": at("04T11:00")}],
                               resolved_at=at("06T09:00")), False, "done"),
    # Nothing paused, past the due: overdue.
    "05443-251103-0007": (dict(), True, "overdue"),
}
OPEN_LATE = {"05443-251103-0002", "05443-251103-0004", "05443-251103-0007"}


@pytest.fixture
def record(tmp_path):
    lines = [dossier(code, channel="in_person", full_online=False, received_at=at("03T08:00"),
                     **{"due_at": DUE, **overrides})
             for code, (overrides, _late, _urgency) in STATES.items()]
    import_folder(write_folder(tmp_path / "in", dossiers=lines, feedback=[]))
    user = get_user_model().objects.create_user("giamsat.kiemthu", password="mot-mat-khau-dai-2025")
    Membership.objects.create(user=user, unit=Unit.objects.get(code="19"), role=Role.PROVINCIAL_MONITOR,
                              full_name="Giám sát kiểm thử")
    return user


def test_every_page_and_the_index_agree_on_each_tricky_dossier(client, record):
    late = {code for code, (_o, is_late, _u) in STATES.items() if is_late}
    client.force_login(record)
    with time_machine.travel(NOW, tick=False):
        # The work queue: one row per dossier, its urgency as data.
        page = client.get("/hang-doi/").content.decode()
        rows = dict((code, urgency) for urgency, code in
                    re.findall(r'<tr data-urgency="(\w+)">\s*<td class="code"[^>]*><a href="[^"]+">([^<]+)</a>', page))
        assert rows == {code: urgency for code, (_o, _l, urgency) in STATES.items()}
        # The dossier page: the same clock.
        for code, (_o, is_late, _u) in STATES.items():
            assert client.get(f"/ho-so/{code}/").context["clock"].late is is_late, code
        # The home page: open dossiers overdue now.
        home = client.get("/")
        assert home.context["totals"]["overdue"] == len(OPEN_LATE)
        assert home.context["by_unit"][0]["overdue"] == len(OPEN_LATE)

    period = (date(2025, 11, 1), date(2025, 11, 7))
    live = service.index_json(*period, now=NOW)
    reference = service.index_json(*period, now=NOW, from_scratch=True)
    assert live == reference
    on_time = next(i for i in live["units"][0]["indicators"] if i["id"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"]) == (len(STATES) - len(late), len(STATES))
    assert service.extras_json(*period, now=NOW)["overdue"]["late"] == len(late)
    assert service.extras_json(*period, now=NOW, from_scratch=True)["overdue"]["late"] == len(late)

    behind = members("2.1", None, *period, now=NOW)
    assert {m.item.code for m in behind.items if not m.counted} == late

    report = weekly_report(period[1], now=NOW)
    assert {o.code for o in report.overdue} == late


def test_the_stored_due_is_never_moved(record):
    assert set(Dossier.objects.values_list("due_at", flat=True)) == {
        datetime.fromisoformat(DUE), datetime.fromisoformat("2025-11-20T17:00:00+07:00")}
