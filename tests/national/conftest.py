"""Random provinces as the engines see them: imported, exported as JSONL and as Parquet, with the live
engine's JSON for several periods, units and evaluation moments; the database is rolled back after.

Built once per test session (the Spark tests share one SparkSession too): each seed is imported, given
local calendars on odd seeds, exported both ways and computed by the live engine inside one transaction.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from motcua.indicators import live, service
from motcua.indicators.rules import available_rulesets
from motcua.interchange.exporter import export_folder
from motcua.interchange.importer import import_folder
from motcua.national.export import export_parquet
from tests.indicators import randomdb
from tests.indicators.test_live import local_calendars

SEEDS = (3, 8, 11)
# A period wholly in the past: t is the end of `to` whatever now is (the command-line test uses it).
PAST = (date(2025, 12, 1), date(2026, 1, 31), None)


@dataclass
class Case:
    seed: int
    rules: str
    jsonl: Path
    parquet: Path
    expected: dict = field(default_factory=dict)  # (from, to, now, unit) -> the live engine's JSON


@pytest.fixture(scope="session")
def cases(tmp_path_factory, django_db_setup, django_db_blocker) -> list[Case]:
    base = tmp_path_factory.mktemp("national")
    found = []
    with django_db_blocker.unblock():
        for seed in SEEDS:
            case = Case(seed, random.Random(seed).choice(available_rulesets()), base / f"jsonl-{seed}",
                        base / f"parquet-{seed}")
            with transaction.atomic():
                import_folder(randomdb.folder(base / f"in-{seed}", seed, dossiers=160))
                if seed % 2:
                    local_calendars(seed)
                export_folder(case.jsonl)
                export_parquet(case.parquet)
                for date_from, date_to, now in [*randomdb.periods(seed, count=5), PAST]:
                    result = service.index_json(date_from, date_to, rules=case.rules, now=now)
                    case.expected[(date_from, date_to, now, None)] = result
                    for unit in result["units"][1:4]:
                        case.expected[(date_from, date_to, now, unit["code"])] = service.index_json(
                            date_from, date_to, unit_code=unit["code"], rules=case.rules, now=now)
                transaction.set_rollback(True)
            live.reset()
            found.append(case)
    return found


def first_difference(got: dict, expected: dict) -> str:
    for a, b in zip(got["units"], expected["units"], strict=False):
        for x, y in zip(a["indicators"], b["indicators"], strict=False):
            if x != y:
                return f"{a['code']}: engine {x} != live {y}"
        if a != b:
            return f"{a['code']}: engine {a} != live {b}"
    return "units or header differ"
