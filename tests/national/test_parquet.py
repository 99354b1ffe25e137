"""`motcua export --format parquet` and `motcua import` of the Parquet form: the round trip changes
nothing, and the derived columns say what `layout` says they do."""

from io import StringIO

import numpy as np
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from motcua.interchange.exporter import export_folder
from motcua.interchange.models import ImportBatch
from motcua.national import layout as L

pytestmark = pytest.mark.django_db

FILES = ("units.csv", "procedures.csv", "authority.csv", "dossiers.jsonl", "feedback.jsonl")


def test_parquet_import_then_jsonl_export_equals_the_original_export(cases, tmp_path):
    case = cases[0]
    call_command("import", str(case.parquet), "--no-progress", stdout=StringIO())
    export_folder(tmp_path / "again")
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (case.jsonl / name).read_bytes(), name
    assert ImportBatch.objects.get().folder == str(case.parquet)
    # The same folder again is recognised: nothing changes, nothing is duplicated.
    out = StringIO()
    call_command("import", str(case.parquet), "--no-progress", stdout=out)
    assert "đã được nhập" in out.getvalue()


def test_dossiers_are_partitioned_by_local_month_of_receipt(cases):
    case = cases[1]
    assert L.is_parquet_folder(case.parquet) and not L.is_parquet_folder(case.jsonl)
    months = sorted(p.name for p in (case.parquet / L.DOSSIERS).iterdir())
    assert months and all(m.startswith(f"{L.MONTH}=") for m in months)
    table = pq.read_table(case.parquet / L.DOSSIERS)
    received = table.column("received_at").to_pylist()
    shown = table.column(L.MONTH).to_pylist()
    assert [L.month_of(np.array([t]))[0] for t in table.column("received_ticks").to_numpy()] == [str(m) for m in shown]
    from motcua.lib.workingtime import LOCAL_TZ

    assert [r.astimezone(LOCAL_TZ).strftime("%Y-%m") for r in received] == [str(m) for m in shown]


def test_derived_columns_match_the_record(cases):
    """Ticks, the effective due and the wait summary against the exchange fields, row by row."""
    from datetime import timedelta

    from motcua.lib.workingtime import WorkingCalendar
    from motcua.national.catalog import ParquetCatalog

    case = cases[1]
    catalog = ParquetCatalog(case.parquet)
    rows = pq.read_table(case.parquet / L.DOSSIERS).to_pylist()
    epoch = L.wnp.EPOCH
    waits_checked = 0
    for row in rows:
        ticks = (row["received_at"] - epoch) // timedelta(microseconds=1)
        assert row["received_ticks"] == ticks
        resolved = row["resolved_at"]
        assert row["resolved_ticks"] == (L.NEVER if resolved is None else (resolved - epoch) // timedelta(microseconds=1))
        waits = [(w["requested_at"], w["completed_at"]) for w in row["supplements"] + row["fee_waits"]]
        if not waits:
            assert row["wait_first"] == L.NEVER and row["effective_due_ticks"] == row["due_ticks"]
            continue
        calendar: WorkingCalendar = catalog.calendars[row["calendar_index"]]
        assert row["wait_first"] == min((r - epoch) // timedelta(microseconds=1) for r, _ in waits)
        if all(done is not None for _, done in waits):
            due = epoch + timedelta(microseconds=row["due_ticks"])
            from motcua.lib import lateness

            moved = lateness.effective_due(due, [], waits, max(d for _, d in waits), calendar)
            assert row["effective_due_ticks"] == (moved - epoch) // timedelta(microseconds=1)
            waits_checked += 1
    assert waits_checked > 5


def test_ranks_order_moments_against_the_instant_of_a_position(cases):
    """rank(x) > 2P exactly when x is after the earliest instant at working position P."""
    from motcua.national.catalog import ParquetCatalog

    calendar = next(iter(ParquetCatalog(cases[0].parquet).calendars.values()))
    rng = np.random.default_rng(1)
    base = (np.datetime64("2025-12-01") - np.datetime64("2000-01-01")).astype("timedelta64[us]").astype(np.int64)
    x = base + rng.integers(0, 60 * L.wnp.DAY, 4000)
    x[::3] -= x[::3] % (30 * 60 * 1_000_000)  # many on session boundaries
    position, rank = L.ranks(calendar, x)
    p = position[rng.permutation(len(x))] + rng.integers(-1, 2, len(x))
    instant = L.wnp.instants(calendar, p)
    assert np.array_equal(rank > 2 * p, x > instant)


def test_the_export_command_writes_the_parquet_form(small_folder, tmp_path):
    import json

    from motcua.interchange.importer import import_folder

    import_folder(small_folder)
    out = StringIO()
    call_command("export", str(tmp_path / "p"), "--format", "parquet", stdout=out)
    assert "4 hồ sơ" in out.getvalue()
    manifest = json.loads((tmp_path / "p" / L.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == L.FORMAT and manifest["counts"]["dossiers"] == 4
    assert pq.read_table(tmp_path / "p" / L.DOSSIERS).num_rows == 4
    call_command("export", str(tmp_path / "j"), stdout=StringIO())  # the default stays the JSONL contract
    assert (tmp_path / "j" / "dossiers.jsonl").is_file() and not L.is_parquet_folder(tmp_path / "j")
