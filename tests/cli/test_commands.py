"""The command-line contract of interchange.md: `motcua deadline` and `motcua index --json`."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import OnlineReductionPolicy
from motcua.dossiers.models import Dossier
from motcua.indicators.compute import compute
from motcua.indicators.records import read_folder
from motcua.indicators.rules import load_ruleset
from motcua.interchange.importer import import_folder
from motcua.units.models import CalendarException, Unit

pytestmark = pytest.mark.django_db


def deadline(*args) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def imported(small_folder):
    import_folder(small_folder)
    return small_folder


def test_deadline_counts_working_days_and_skips_the_cultural_day(imported):
    # Mon 23/11/2026 16:30, 1 working day: 0.5 h on Monday, Tue 24/11 is Vietnam Cultural Day, 7.5 h on Wed.
    assert deadline("--procedure", "1.001193", "--unit", "05443",
                    "--received", "2026-11-23T16:30:00+07:00") == "2026-11-25T16:30:00+07:00"


def test_deadline_from_a_night_receipt_starts_at_the_next_session(imported):
    assert deadline("--procedure", "1.001193", "--unit", "05443",
                    "--received", "2025-10-30T22:00:00+07:00") == "2025-10-31T17:00:00+07:00"


def test_deadline_online_applies_the_yearly_reduction(imported):
    OnlineReductionPolicy.objects.create(year=2025, percent=20)
    # Business registration, 3 working days = 24 h, online −20% = 19.2 h → 19 h: Mon 8 + Tue 8 + Wed 3.
    assert deadline("--procedure", "2.000046", "--unit", "19.STC.DKKD", "--channel", "online",
                    "--received", "2025-11-03T07:00:00+07:00") == "2025-11-05T10:00:00+07:00"
    assert deadline("--procedure", "2.000046", "--unit", "19.STC.DKKD",
                    "--received", "2025-11-03T07:00:00+07:00") == "2025-11-05T17:00:00+07:00"


def test_deadline_follows_a_local_closure_of_the_unit(imported):
    CalendarException.objects.create(date=date(2025, 10, 31), kind="closure", unit=Unit.objects.get(code="05443"))
    assert deadline("--procedure", "1.001193", "--unit", "05443",
                    "--received", "2025-10-30T08:15:00+07:00") == "2025-11-03T08:15:00+07:00"
    # The other ward keeps working that Friday.
    assert deadline("--procedure", "1.001193", "--unit", "05710",
                    "--received", "2025-10-30T08:15:00+07:00") == "2025-10-31T08:15:00+07:00"


@pytest.mark.parametrize(("args", "message"), [
    (("--procedure", "9.999999", "--unit", "05443", "--received", "2025-10-30T08:00:00+07:00"), "--procedure"),
    (("--procedure", "1.001193", "--unit", "X", "--received", "2025-10-30T08:00:00+07:00"), "--unit"),
    (("--procedure", "1.001193", "--unit", "05443", "--received", "2025-10-30T08:00:00"), "--received"),
    (("--procedure", "1.001193", "--unit", "05443", "--received", "hôm qua"), "--received"),
])
def test_deadline_rejects_bad_arguments_by_name(imported, args, message):
    with pytest.raises(CommandError, match=message):
        deadline(*args)


def test_index_json_is_the_reference_computation_of_the_folder(imported):
    out = StringIO()
    call_command("index", "--from", "2025-10-01", "--to", "2025-11-30", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    # The folder leaves one due_at null; the importer computed it, and the reference reader takes it from there.
    record = read_folder(imported, due_for=lambda d: Dossier.objects.get(code=d.code).due_at)
    expected = compute(record, load_ruleset("qd766"), date(2025, 10, 1), date(2025, 11, 30))
    assert printed == expected
    assert [u["code"] for u in printed["units"]] == ["19", "19.STC", "05443", "05710"]
    assert set(printed["units"][0]) == {"code", "name", "total", "groups", "indicators"}


def test_index_for_one_unit_and_a_variant_rule_set(imported):
    out = StringIO()
    call_command("index", "--from", "2025-10-01", "--to", "2025-11-30", "--unit", "05443",
                 "--rules", "qd766-threshold80", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["rules"]["name"] == "qd766-threshold80"
    assert [u["code"] for u in printed["units"]] == ["05443"]


def test_index_rejects_unknown_unit_and_rules(imported):
    with pytest.raises(CommandError, match="--unit"):
        call_command("index", "--from", "2025-10-01", "--to", "2025-11-30", "--unit", "nope")
    with pytest.raises(CommandError, match="--rules"):
        call_command("index", "--from", "2025-10-01", "--to", "2025-11-30", "--rules", "nope")
