"""Small hand-built records for the index tests.

Dates are in October 2025, which has no Vietnamese public holiday: Monday 6, 13, 20 and 27 October start
the working weeks, and the default sessions are 07:00-11:30 and 13:30-17:00 (8 working hours a day).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from motcua.indicators.records import (
    Authority,
    Dossier,
    EResult,
    Feedback,
    Procedure,
    Record,
    Unit,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 8, minute: int = 0, month: int = 10) -> datetime:
    """A local time in 2025 (October unless `month` says otherwise)."""
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


def unit(code: str, kind: str, parent: str | None, e_certified_copy: bool = False) -> Unit:
    return Unit(code=code, name=f"Đơn vị {code}", kind=kind, parent_code=parent,
                e_certified_copy=e_certified_copy)


def procedure(code: str, **overrides) -> Procedure:
    values = dict(code=code, name=f"Thủ tục {code}", field="Tư pháp", level="province",
                  time_limit=Decimal(5), time_unit="working_days", fee_vnd=0, written_result=False,
                  online_level="partial", full_online_eligible=False, for_citizens=False,
                  decision_date=None, legal_effective_date=None, published_at=None, parts_complete=True,
                  fee_integrated=False)
    values.update(overrides)
    return Procedure(**values)


def dossier(code: str, procedure: str = "PA", unit: str = "X1", received: datetime | None = None,
            due: datetime | None = None, **overrides) -> Dossier:
    values = dict(code=code, procedure=procedure, unit=unit, received_by=unit, channel="in_person",
                  full_online=False, received_at=received or at(6, 8), due_at=due or at(10, 17),
                  supplements=(), fee_waits=(), resolved_at=None, returned_at=None, ended=None,
                  ended_at=None, synced_at=None, fee_vnd=0, paid_online_at=None, digitized=False,
                  e_result=None, reused_data=False, from_data_store=False, result_to_data_store=False,
                  citizen_data=False, rating=None, complaint=False)
    values.update(overrides)
    return Dossier(**values)


def e_result(issued: datetime, code: str = "KQ-1") -> EResult:
    return EResult(code=code, issued_at=issued)


def feedback(code: str, unit: str, received: datetime, **overrides) -> Feedback:
    values = dict(code=code, unit=unit, received_at=received, refused_at=None, answered_at=None,
                  published_at=None, rating=None, raised_again=False)
    values.update(overrides)
    return Feedback(**values)


def record(units=(), procedures=(), authority=(), dossiers=(), feedback=()) -> Record:
    return Record(units=tuple(units), procedures=tuple(procedures),
                  authority=tuple(Authority(u, p) for u, p in authority),
                  dossiers=tuple(dossiers), feedback=tuple(feedback))


# -- writing a folder in the exchange format (to test the reader) ------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date | Decimal | int):
        return str(value)
    return value


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):  # supplements, fee waits
        return [{"requested_at": _json_value(a), "completed_at": _json_value(b)} for a, b in value]
    if isinstance(value, dict):  # e_result after asdict
        return {k: _json_value(v) for k, v in value.items()}
    return value


def write_folder(folder: Path, rec: Record) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, cls, rows in (("units.csv", Unit, rec.units), ("procedures.csv", Procedure, rec.procedures),
                            ("authority.csv", Authority, rec.authority)):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([fl.name for fl in fields(cls)])
            for row in rows:
                writer.writerow([_csv_value(getattr(row, fl.name)) for fl in fields(cls)])
    for name, rows in (("dossiers.jsonl", rec.dossiers), ("feedback.jsonl", rec.feedback)):
        with (folder / name).open("w", encoding="utf-8") as f:
            for row in rows:
                raw = {fl.name: getattr(row, fl.name) for fl in fields(row)}
                if raw.get("e_result") is not None:
                    raw["e_result"] = asdict(raw["e_result"])
                f.write(json.dumps({k: _json_value(v) for k, v in raw.items()}, ensure_ascii=False) + "\n")
    return folder
