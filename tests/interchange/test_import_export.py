"""motcua import / export: all or nothing, errors that name file, line and field, exact round trips."""

import csv
import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Authority, Procedure
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierPause
from motcua.dossiers.numbering import next_dossier_code
from motcua.feedback.models import Feedback
from motcua.interchange.exporter import export_folder
from motcua.interchange.importer import import_folder
from motcua.interchange.reading import ImportFailed
from motcua.units.models import Unit
from tests.conftest import DOSSIERS, FEEDBACK, PROCEDURES_CSV, UNITS_CSV, dossier, write_folder

pytestmark = pytest.mark.django_db


def _nothing_written():
    return not (Unit.objects.exists() or Procedure.objects.exists() or Dossier.objects.exists()
                or Feedback.objects.exists())


def _semantic(path):
    """A JSONL file's objects with every timestamp turned into an instant, for comparing meaning."""
    def norm(value):
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return moment.timestamp() if moment.tzinfo else value
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value
    return [norm(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_import_takes_every_row(small_folder):
    result = import_folder(small_folder)
    assert result.counts == {"units": 5, "procedures": 3, "authority": 5, "dossiers": 4, "feedback": 1}
    office = Unit.objects.get(code="19.STC.DKKD")
    assert office.parent.code == "19.STC" and office.kind == "office"
    assert Authority.objects.count() == 5
    returned = Dossier.objects.get(code="05443-251030-0001")
    assert returned.status == Status.RETURNED and returned.e_result_code == "KQ-05443-0001"
    refused = Dossier.objects.get(code="05710-251104-0001")
    assert refused.status == Status.REFUSED and refused.channel == Channel.IN_PERSON
    waiting = Dossier.objects.get(code="19.STC.DKKD-251103-0001")
    assert waiting.status == Status.WAITING_FEES
    assert waiting.received_at == datetime.fromisoformat("2025-11-03T08:30:00+07:00")
    assert DossierPause.objects.count() == 2
    assert Feedback.objects.get().rating == "satisfied"


def test_missing_due_at_is_computed_from_the_working_calendar(small_folder):
    import_folder(small_folder)
    # In person, received Thu 30/10/2025 08:15, limit 1 working day = 8 working hours → Fri 31/10 08:15.
    computed = Dossier.objects.get(code="05443-251030-0002")
    assert computed.due_given is False
    assert computed.due_at == datetime.fromisoformat("2025-10-31T08:15:00+07:00")


def test_reimporting_the_same_folder_never_duplicates(small_folder):
    import_folder(small_folder)
    again = import_folder(small_folder)
    assert again.already_imported
    assert Dossier.objects.count() == 4 and DossierPause.objects.count() == 2


def test_reimporting_changed_rows_updates_them_in_place(small_folder, tmp_path):
    import_folder(small_folder)
    changed = [dict(d) for d in DOSSIERS]
    changed[1] = dossier("05443-251030-0002", due_at=None, channel="in_person", full_online=False,
                         supplements=[], resolved_at="2025-10-31T08:00:00+07:00")
    import_folder(write_folder(tmp_path / "again", dossiers=changed))
    assert Dossier.objects.count() == 4
    updated = Dossier.objects.get(code="05443-251030-0002")
    assert updated.status == Status.RESOLVED and not updated.pauses.exists()


def test_an_error_on_the_last_line_writes_nothing(tmp_path):
    bad = [*DOSSIERS, dossier("05443-251105-0001", channel="fax")]
    folder = write_folder(tmp_path / "bad", dossiers=bad)
    with pytest.raises(ImportFailed) as failure:
        import_folder(folder)
    [problem] = failure.value.problems
    assert (problem.file, problem.line, problem.field) == ("dossiers.jsonl", 5, "channel")
    assert _nothing_written()


@pytest.mark.parametrize(("mutate", "file", "line", "field"), [
    (lambda d: d.update(returned_at="2025-10-30T14:00:00+07:00"), "dossiers.jsonl", 1, "returned_at"),
    (lambda d: d.update(received_at="2025-10-30T08:15:00"), "dossiers.jsonl", 1, "received_at"),
    (lambda d: d.update(extra_key=1), "dossiers.jsonl", 1, "extra_key"),
    (lambda d: d.pop("rating"), "dossiers.jsonl", 1, "rating"),
    (lambda d: d.update(unit="99999"), "dossiers.jsonl", 1, "unit"),
    (lambda d: d.update(fee_vnd=-5), "dossiers.jsonl", 1, "fee_vnd"),
    (lambda d: d.update(digitized="yes"), "dossiers.jsonl", 1, "digitized"),
    (lambda d: d.update(ended="refused"), "dossiers.jsonl", 1, "ended_at"),
    (lambda d: d.update(supplements=[{"requested_at": "2025-10-31T08:00:00+07:00",
                                      "completed_at": "2025-10-30T08:00:00+07:00"}]),
     "dossiers.jsonl", 1, "supplements[0].completed_at"),
])
def test_each_bad_dossier_value_is_named(tmp_path, mutate, file, line, field):
    rows = [dict(d) for d in DOSSIERS]
    mutate(rows[0])
    with pytest.raises(ImportFailed) as failure:
        import_folder(write_folder(tmp_path / "bad", dossiers=rows))
    problem = failure.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (file, line, field)
    assert _nothing_written()


def test_csv_errors_name_file_line_and_field(tmp_path):
    units = UNITS_CSV.replace("05710,UBND phường Linh Sơn,commune,19,0", "05710,UBND phường Linh Sơn,xa,19,0")
    procedures = PROCEDURES_CSV.replace(",3,working_days,100000,", ",ba,working_days,100000,").replace(
        ",working_days,0,1,full", ",working_days,+5,1,full")
    with pytest.raises(ImportFailed) as failure:
        import_folder(write_folder(tmp_path / "bad", units=units, procedures=procedures))
    found = {(p.file, p.line, p.field) for p in failure.value.problems}
    assert ("units.csv", 6, "kind") in found
    assert ("procedures.csv", 2, "time_limit") in found
    assert ("procedures.csv", 3, "fee_vnd") in found


def test_unknown_column_is_an_error(tmp_path):
    units = UNITS_CSV.replace("e_certified_copy\n", "e_certified_copy,note\n", 1)
    with pytest.raises(ImportFailed) as failure:
        import_folder(write_folder(tmp_path / "bad", units=units))
    assert (failure.value.problems[0].file, failure.value.problems[0].field) == ("units.csv", "note")


def test_export_import_export_is_byte_identical(small_folder, tmp_path):
    import_folder(small_folder)
    first = tmp_path / "out1"
    export_folder(first)
    for model in (DossierPause, Dossier, Feedback):
        model.objects.all().delete()
    import_folder(first)
    second = tmp_path / "out2"
    export_folder(second)
    for name in ("units.csv", "procedures.csv", "authority.csv", "dossiers.jsonl", "feedback.jsonl"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_foreign_folder_reexports_with_the_same_content(small_folder, tmp_path):
    import_folder(small_folder)
    out = tmp_path / "out"
    export_folder(out)
    for name in ("units.csv", "procedures.csv", "authority.csv"):
        assert _rows(out / name) == _rows(small_folder / name), name
    assert _semantic(out / "dossiers.jsonl") == _semantic(small_folder / "dossiers.jsonl")
    assert _semantic(out / "feedback.jsonl") == _semantic(small_folder / "feedback.jsonl")
    assert json.loads((out / "dossiers.jsonl").read_text().splitlines()[1])["due_at"] is None


def test_codes_issued_after_an_import_never_reuse_imported_numbers(small_folder):
    import_folder(small_folder)
    assert DossierCodeSequence.objects.get(unit_code="05443").last == 2
    from datetime import date
    assert next_dossier_code("05443", date(2025, 10, 30)) == "05443-251030-0003"


def test_import_command_reports_errors_and_counts(small_folder, tmp_path):
    out = StringIO()
    call_command("import", str(small_folder), "--no-progress", stdout=out)
    assert "4 hồ sơ" in out.getvalue()
    bad = write_folder(tmp_path / "bad", dossiers=[dossier("X-1", procedure="0.000000")], feedback=FEEDBACK)
    with pytest.raises(CommandError, match=r"dossiers.jsonl, dòng 1, trường “procedure”"):
        call_command("import", str(bad), "--no-progress")
