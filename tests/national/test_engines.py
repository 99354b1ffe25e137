"""DuckDB and Spark print exactly the live engine's JSON for the same records.

The records are random provinces (`tests/indicators/randomdb`) with the tricky cases of the semantics:
pauses completed, supplements and fee waits open at t, two supplements, overlapping waits, refused,
carried over, resolved before receipt, feedback answered late or refused; local calendars on odd seeds;
random periods and evaluation moments, for the province and for several units.
"""

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.national import engines

from .conftest import PAST, first_difference

pytestmark = pytest.mark.django_db


def _check(cases, engine, province_only=False):
    checked = 0
    for case in cases:
        for (date_from, date_to, now, unit), expected in case.expected.items():
            if province_only and unit is not None:
                continue
            got = engines.index_json(case.parquet, engine, date_from, date_to, unit_code=unit, rules=case.rules,
                                     now=now)
            assert got == expected, (case.seed, date_from, date_to, now, unit, first_difference(got, expected))
            checked += 1
    assert checked >= 6


def test_duckdb_equals_the_live_engine(cases):
    _check(cases, "duckdb")


@pytest.mark.spark
def test_spark_equals_the_live_engine(cases):
    # Every period of the seed with local calendars, for the province (its JSON lists every department and
    # commune too): each query costs Spark seconds, the DuckDB test covers the units asked one by one.
    _check([case for case in cases if case.seed % 2], "spark", province_only=True)


def test_the_command_prints_the_contract_json_from_a_parquet_folder(cases):
    case = cases[2]
    out = StringIO()
    call_command("index", "--from", PAST[0].isoformat(), "--to", PAST[1].isoformat(), "--rules", case.rules,
                 "--json", "--source", str(case.parquet), "--engine", "duckdb", stdout=out)
    assert json.loads(out.getvalue()) == case.expected[(*PAST, None)]


def test_the_command_evaluates_at_now(cases):
    case = cases[0]
    (date_from, date_to, now, unit), expected = next(
        (key, value) for key, value in case.expected.items() if key[2] is not None and key[3] is None)
    out = StringIO()
    call_command("index", "--from", date_from.isoformat(), "--to", date_to.isoformat(), "--rules", case.rules,
                 "--json", "--now", now.isoformat(), "--source", str(case.parquet), "--engine", "duckdb", stdout=out)
    assert json.loads(out.getvalue()) == expected
    with pytest.raises(CommandError, match="--now"):
        call_command("index", "--from", "2026-01-01", "--to", "2026-01-31", "--now", "26/11/2026",
                     "--source", str(case.parquet), stdout=StringIO())


def test_the_command_names_what_is_wrong(cases, tmp_path):
    case = cases[0]
    with pytest.raises(CommandError, match="--unit"):
        call_command("index", "--from", "2026-01-01", "--to", "2026-01-31", "--unit", "KHONG-CO",
                     "--source", str(case.parquet), stdout=StringIO())
    with pytest.raises(CommandError, match="Parquet"):
        call_command("index", "--from", "2026-01-01", "--to", "2026-01-31", "--source", str(case.jsonl),
                     stdout=StringIO())
    with pytest.raises(CommandError, match="--engine"):
        call_command("index", "--from", "2026-01-01", "--to", "2026-01-31", "--engine", "duckdb", stdout=StringIO())


def test_an_unknown_engine_is_refused(cases):
    with pytest.raises(ValueError, match="unknown engine"):
        engines.index_json(cases[0].parquet, "pandas", date(2026, 1, 1), date(2026, 1, 31),
                           now=datetime(2026, 2, 1).astimezone())


def test_the_random_records_reach_every_branch_of_lateness(cases):
    """Dossiers with several waits some of them running at t, judged from their waits by the query, exist
    in the compared periods: with an open request, with every requested wait over, with a pause as of t."""
    from motcua.indicators.columnar import PeriodTicks
    from motcua.lib.periods import Period
    from motcua.national import factsql

    seen = {"open": 0, "not_open": 0, "paused": 0}
    for case in cases:
        index = engines.source_index(case.parquet, "duckdb")
        for date_from, date_to, now, _unit in case.expected:
            p = PeriodTicks(Period.of(date_from, date_to, now))
            m = factsql.Moments(p.start, p.end, p.t)
            ranks = factsql.t_ranks_table([(0, *r) for r in index.catalog.t_ranks(p.t)], factsql.DUCKDB)
            sql = (f"WITH {factsql._judged(m, ranks)} SELECT SUM(CASE WHEN o.line IS NULL THEN 0 ELSE 1 END), "
                   f"SUM(CASE WHEN o.line IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN p.pause > 0 THEN 1 ELSE 0 END) "
                   f"FROM running r LEFT JOIN still_open o ON o.line = r.line LEFT JOIN paused p ON p.line = r.line")
            found = index.runner.connection.execute(sql).fetchone()
            for name, value in zip(seen, found, strict=True):
                seen[name] += value or 0
    assert all(value > 0 for value in seen.values()), seen
