"""The live engine gives exactly the reference's numbers, and follows every change at once.

The reference is `compute(record_from_db(), ...)` (`service.index_json(..., from_scratch=True)`): the
same database, read whole into the exchange-format record, computed by the plain engine. Random
provinces (`randomdb`) are imported, given local calendars and sessions, and compared for random periods
and evaluation moments; then dossiers change through the lifecycle and the comparison is repeated.
"""

import random
from datetime import date, datetime

import pytest
from django.utils import timezone

from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import TransitionError, allowed_actions, transition
from motcua.dossiers.models import Dossier
from motcua.indicators import live, service
from motcua.indicators.rules import available_rulesets
from motcua.interchange.importer import import_folder
from motcua.units.models import CalendarException, Unit

from . import randomdb

pytestmark = pytest.mark.django_db


def same_numbers(date_from, date_to, now, unit_code=None, rules="qd766"):
    got = service.index_json(date_from, date_to, unit_code=unit_code, rules=rules, now=now)
    expected = service.index_json(date_from, date_to, unit_code=unit_code, rules=rules, now=now, from_scratch=True)
    assert got == expected, _first_difference(got, expected)
    extras = service.extras_json(date_from, date_to, unit_code=unit_code, now=now)
    assert extras == service.extras_json(date_from, date_to, unit_code=unit_code, now=now, from_scratch=True)
    return got


def _first_difference(got, expected):
    for a, b in zip(got["units"], expected["units"], strict=False):
        for x, y in zip(a["indicators"], b["indicators"], strict=False):
            if x != y:
                return f"{a['code']}: live {x} != reference {y}"
    return "units differ"


def local_calendars(seed):
    """A closure for one unit, an extra working Saturday for another, other sessions for a third."""
    rnd = random.Random(seed)
    units = list(Unit.objects.exclude(kind="province").order_by("code"))
    CalendarException.objects.create(date=date(2025, 12, rnd.randrange(1, 30)), kind="closure",
                                     unit=rnd.choice(units))
    CalendarException.objects.create(date=date(2026, 1, 10), kind="extra", unit=rnd.choice(units))
    chosen = rnd.choice(units)
    chosen.sessions = [["08:00", "12:00"], ["13:00", "16:30"]]
    chosen.save()


@pytest.mark.parametrize("seed", range(12))
def test_live_equals_the_reference_on_random_provinces(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed))
    if seed % 2:
        local_calendars(seed)
    rules = random.Random(seed).choice(available_rulesets())
    for date_from, date_to, now in randomdb.periods(seed):
        result = same_numbers(date_from, date_to, now, rules=rules)
        for unit in result["units"][1:3]:
            same_numbers(date_from, date_to, now, unit_code=unit["code"], rules=rules)


def _move(dossier, rnd, at):
    """One allowed lifecycle step of `dossier` at `at` (if it has one)."""
    actions = [a for a in allowed_actions(dossier.status) if a not in ("hand_over", "assign", "sign_result")]
    if not actions:
        return False
    action = rnd.choice(actions)
    try:
        transition(dossier, action, at=at)
    except TransitionError:  # a second supplement request, or no open wait to complete: pick another
        return False
    return True


@pytest.mark.parametrize("seed", range(6))
def test_live_follows_lifecycle_changes(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed))
    rnd = random.Random(seed)
    checks = randomdb.periods(seed, count=3)
    for date_from, date_to, now in checks:
        same_numbers(date_from, date_to, now)  # the engine is built now; what follows is incremental
    ids = list(Dossier.objects.values_list("id", flat=True))
    moved = 0
    for _ in range(4):
        for pk in rnd.sample(ids, min(5, len(ids))):
            dossier = Dossier.objects.get(pk=pk)
            moved += _move(dossier, rnd, randomdb.moment(rnd, first=10, span=40))
        for date_from, date_to, now in checks:
            same_numbers(date_from, date_to, now)
    assert moved > 0, "no lifecycle step happened: the test would compare an unchanged record"
    assert live.engine().last_refresh["kind"] == "incremental"


@pytest.fixture
def imported(small_folder):
    import_folder(small_folder)
    return small_folder


def test_resolving_a_late_dossier_shows_at_once(imported):
    """The in-person dossier of 30/10 with a completed supplement is still open: resolving it changes
    2.1 and 5.1 on the next call, without a rebuild."""
    now = datetime(2025, 11, 30, 12, tzinfo=timezone.get_current_timezone())
    before = service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now)
    dossier = Dossier.objects.get(code="05443-251030-0002")
    assert dossier.status == Status.PROCESSING
    transition(dossier, "resolve", at=datetime(2025, 11, 20, 9, tzinfo=timezone.get_current_timezone()))
    after = service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now)
    assert live.engine().last_refresh == {"kind": "incremental", "rows": 1}
    assert before != after
    assert after == service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now, from_scratch=True)

    def indicator(result, indicator_id):
        return next(i for i in result["units"][0]["indicators"] if i["id"] == indicator_id)

    assert indicator(after, "5.1")["denominator"] == indicator(before, "5.1")["denominator"] + 1


def test_a_new_dossier_and_an_import_show_at_once(imported, tmp_path):
    from tests.conftest import dossier, write_folder

    now = datetime(2025, 11, 30, 12, tzinfo=timezone.get_current_timezone())
    before = service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now)
    extra = dossier("05710-251105-0001", unit="05710", received_by="05710",
                    received_at="2025-11-05T09:00:00+07:00", due_at="2025-11-06T09:00:00+07:00")
    import_folder(write_folder(tmp_path / "more", dossiers=[extra], feedback=[]))
    after = service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now)
    assert live.engine().last_refresh["kind"] == "rebuild"
    received = next(i for i in after["units"][0]["indicators"] if i["id"] == "1.4")
    assert received["denominator"] == next(
        i for i in before["units"][0]["indicators"] if i["id"] == "1.4")["denominator"] + 1
    assert after == service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now, from_scratch=True)


def test_a_catalog_edit_is_seen_without_rebuilding_the_dossiers(imported):
    from motcua.catalog.models import Procedure

    now = datetime(2025, 11, 30, 12, tzinfo=timezone.get_current_timezone())
    service.index_json(date(2025, 10, 1), date(2025, 11, 30), now=now)
    procedure = Procedure.objects.get(code="1.001193")
    procedure.written_result = False
    procedure.published_at = date(2025, 6, 26)
    procedure.save()
    assert service.index_json(date(2025, 6, 1), date(2025, 11, 30), now=now) == service.index_json(
        date(2025, 6, 1), date(2025, 11, 30), now=now, from_scratch=True)
    assert live.engine().last_refresh["kind"] != "rebuild"


def test_unknown_unit_is_an_error_as_in_the_reference(imported):
    with pytest.raises(ValueError, match="unknown unit"):
        service.index_json(date(2025, 10, 1), date(2025, 10, 31), unit_code="nope")


def test_compaction_keeps_the_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(live, "COMPACT_AT", 3)
    import_folder(randomdb.folder(tmp_path / "in", 99))
    rnd = random.Random(99)
    (date_from, date_to, now), *_ = randomdb.periods(99)
    same_numbers(date_from, date_to, now)
    for pk in rnd.sample(list(Dossier.objects.values_list("id", flat=True)), 10):
        _move(Dossier.objects.get(pk=pk), rnd, randomdb.moment(rnd, first=20, span=20))
    same_numbers(date_from, date_to, now)
    assert len(live.engine().loose) <= 10


@pytest.mark.django_db(transaction=True)
def test_the_threaded_read_of_a_committed_database(tmp_path):
    """Outside a transaction the full read is split between threads, each on its own connection."""
    import_folder(randomdb.folder(tmp_path / "in", 5, dossiers=300))
    for date_from, date_to, now in randomdb.periods(5, count=3):
        same_numbers(date_from, date_to, now)
    assert live.engine().last_refresh["rows"] == 300


def test_an_online_payment_shows_at_once(imported):
    from motcua.payments.actions import do_record_payment

    now = datetime(2025, 11, 30, 12, tzinfo=timezone.get_current_timezone())
    service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now)
    dossier = Dossier.objects.get(code="19.STC.DKKD-251103-0001")
    Dossier.objects.filter(pk=dossier.pk).update(paid_online_at=None)  # an unpaid fee dossier
    from motcua.changes.tracking import dossiers_changed

    dossiers_changed([dossier.pk])
    before = service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now)
    do_record_payment(dossier, 100000, "online", paid_at=datetime(2025, 11, 4, 9, tzinfo=timezone.get_current_timezone()))
    after = service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now)

    def paid(result):
        return next(i for i in result["units"][0]["indicators"] if i["id"] == "3.7")["numerator"]

    assert paid(after) == paid(before) + 1
    assert after == service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now, from_scratch=True)
