"""Reading an exchange folder: exactly the documented files, with every problem named."""

import json
from dataclasses import replace

import pytest

from motcua.indicators.records import RecordError, read_folder

from .builders import at, write_folder
from .scenario import RECORD


def test_a_folder_reads_back_into_the_same_record(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    assert read_folder(folder) == RECORD


def test_timestamps_keep_their_instant_whatever_the_offset(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    d7 = next(d for d in read_folder(folder).dossiers if d.code == "D7")
    assert d7.received_at == at(6, 1, 30)
    assert d7.received_at.utcoffset().total_seconds() == 0  # as written: +00:00


def _rewrite_dossier(folder, code, **changes):
    path = folder / "dossiers.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        raw = json.loads(line)
        if raw["code"] == code:
            raw.update(changes)
            for key in [k for k, v in changes.items() if v is KeyError]:
                del raw[key]
            lines[i] = json.dumps(raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return next(i for i, line in enumerate(lines, start=1) if json.loads(line)["code"] == code)


def test_a_missing_due_at_is_computed_by_the_given_rule(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    _rewrite_dossier(folder, "D2", due_at=None)
    with pytest.raises(RecordError, match=r"dossiers.jsonl:2: due_at: null and no rule"):
        read_folder(folder)
    seen = []

    def due_for(d):
        seen.append(d.code)
        assert d.due_at is None
        return at(20, 17)

    rec = read_folder(folder, due_for=due_for)
    assert seen == ["D2"]
    assert next(d for d in rec.dossiers if d.code == "D2").due_at == at(20, 17)
    assert rec.dossiers == tuple(replace(d, due_at=at(20, 17)) if d.code == "D2" else d for d in RECORD.dossiers)


@pytest.mark.parametrize("changes, message", [
    ({"received_at": "2025-10-07T09:00:00"}, "received_at: timestamp without an offset"),
    ({"channel": "fax"}, "channel: expected one of in_person, online, postal"),
    ({"digitized": 1}, "digitized: expected true or false"),
    ({"fee_vnd": -5}, "fee_vnd: expected a non-negative integer"),
    ({"colour": "red"}, "unknown field(s) colour"),
    ({"complaint": KeyError}, "missing field(s) complaint"),
    ({"procedure": "PZ"}, "procedure: unknown procedure 'PZ'"),
    ({"unit": "NOPE"}, "unit: unknown unit 'NOPE'"),
    ({"returned_at": "2025-10-08T09:00:00+07:00"}, "returned_at: requires resolved_at <= returned_at"),
    ({"supplements": [{"requested_at": "2025-10-08T09:00:00+07:00"}]}, "supplements: each item must have"),
])
def test_a_bad_dossier_line_is_named_with_its_field(tmp_path, changes, message):
    folder = write_folder(tmp_path / "export", RECORD)
    line = _rewrite_dossier(folder, "D2", **changes)
    with pytest.raises(RecordError) as caught:
        read_folder(folder)
    assert any(p.startswith(f"dossiers.jsonl:{line}: ") and message in p for p in caught.value.problems), \
        caught.value.problems


def test_resolved_after_returned_is_refused(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    _rewrite_dossier(folder, "D1", resolved_at="2025-10-10T10:00:00+07:00")  # returned 10/10 09:00
    with pytest.raises(RecordError, match=r"dossiers.jsonl:1: returned_at: requires resolved_at <= returned_at"):
        read_folder(folder)


def test_an_unknown_csv_column_is_an_error(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    path = folder / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",colour"] + [line + ",red" for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    with pytest.raises(RecordError, match=r"units.csv:1: header must be code,name,kind,parent_code,e_certified_copy"):
        read_folder(folder)


def test_a_csv_boolean_must_be_1_or_0(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    path = folder / "units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("X1,Đơn vị X1,commune,T,1", "X1,Đơn vị X1,commune,T,yes"),
                    encoding="utf-8")
    with pytest.raises(RecordError, match=r"units.csv:5: e_certified_copy: expected 1 or 0, got 'yes'"):
        read_folder(folder)


def test_every_problem_is_reported_at_once(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    _rewrite_dossier(folder, "D2", channel="fax")
    _rewrite_dossier(folder, "D3", unit="NOPE")
    (folder / "authority.csv").write_text("unit_code,procedure_code\nSXD,PZ\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        read_folder(folder)
    text = "\n".join(caught.value.problems)
    assert "dossiers.jsonl:2: channel" in text
    assert "dossiers.jsonl:3: unit: unknown unit 'NOPE'" in text
    assert "authority.csv:2: procedure_code: unknown procedure 'PZ'" in text


def test_a_missing_file_is_named(tmp_path):
    folder = write_folder(tmp_path / "export", RECORD)
    (folder / "feedback.jsonl").unlink()
    with pytest.raises(RecordError, match="feedback.jsonl: missing"):
        read_folder(folder)


def test_the_projects_sample_folder_reads_and_scores(small_folder):
    # The shared sample folder of tests/conftest.py, written the way another tool would write it.
    from datetime import date

    from motcua.indicators.compute import compute
    from motcua.indicators.rules import load_ruleset
    from motcua.lib.workingtime import WorkingCalendar, compute_due

    calendar = WorkingCalendar()
    procedures = {}

    def due_for(d):
        # 1.001193 has a limit of 1 working day: received Thursday 30/10 08:15 → Friday 31/10 08:15.
        limit = procedures[d.procedure]
        return compute_due(calendar, d.received_at, limit.time_limit, limit.time_unit)

    first = read_folder(small_folder, due_for=lambda d: at(1))  # any due time: only to learn the catalog
    procedures.update({p.code: p for p in first.procedures})
    rec = read_folder(small_folder, due_for=due_for)
    assert [d.due_at for d in rec.dossiers if d.code == "05443-251030-0002"] == [at(31, 8, 15)]
    result = compute(rec, load_ruleset(), date(2025, 10, 30), date(2025, 11, 5), now=at(30, 12, month=11))
    province = result["units"][0]
    assert [u["code"] for u in result["units"]] == ["19", "19.STC", "05443", "05710"]
    row = next(i for i in province["indicators"] if i["id"] == "1.4")
    # Four dossiers received 30/10-4/11, the refused one included; it is the only one never synced.
    assert (row["numerator"], row["denominator"]) == (3, 4)
