"""The exchange format v1 (interchange.md "Files") as frozen dataclasses, and a plain reader for a folder.

The dataclasses mirror the files field for field, so the reference engine computes from exactly what a
folder says. `read_folder` checks what the engine relies on (columns and keys exactly as documented,
types, enumerations, offsets on timestamps, references between files, resolved_at <= returned_at) and
reports every problem with its file, line and field.

It is deliberately a second reader, independent of the importer's (`motcua.interchange.reading`): the
plain-Python recompute over exported files (bench/bench_index.py, the consistency tests) is a check on
the importer and the live engine, and a check that shared their parsing would share their mistakes. Only
the format's enumerations are shared (`motcua.interchange.schema`). Both readers are strict; they are not
proven to word or to bound every refusal identically.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

# The format's enumerations have one home, the exchange-format schema (plain Python, no Django).
from motcua.interchange.schema import (
    CHANNELS,
    ENDINGS,
    LEVELS,
    ONLINE_LEVELS,
    RATINGS,
    TIME_UNITS,
    UNIT_KINDS,
)

Wait = tuple[datetime, datetime | None]  # (requested_at, completed_at | None)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # province | department | commune | office
    parent_code: str | None
    e_certified_copy: bool


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    level: str  # province | commune
    time_limit: Decimal
    time_unit: str  # working_days | working_hours | calendar_days
    fee_vnd: int
    written_result: bool
    online_level: str  # none | partial | full
    full_online_eligible: bool
    for_citizens: bool
    decision_date: date | None
    legal_effective_date: date | None
    published_at: date | None
    parts_complete: bool
    fee_integrated: bool


@dataclass(frozen=True)
class Authority:
    unit_code: str
    procedure_code: str


@dataclass(frozen=True)
class EResult:
    code: str
    issued_at: datetime


@dataclass(frozen=True)
class Dossier:
    code: str
    procedure: str
    unit: str  # competent unit
    received_by: str  # receiving unit
    channel: str  # in_person | online | postal
    full_online: bool
    received_at: datetime
    due_at: datetime | None  # None only before `read_folder` fills it with `due_for`
    supplements: tuple[Wait, ...]
    fee_waits: tuple[Wait, ...]
    resolved_at: datetime | None
    returned_at: datetime | None
    ended: str | None  # None | refused | withdrawn | stopped
    ended_at: datetime | None
    synced_at: datetime | None
    fee_vnd: int
    paid_online_at: datetime | None
    digitized: bool
    e_result: EResult | None
    reused_data: bool
    from_data_store: bool
    result_to_data_store: bool
    citizen_data: bool
    rating: str | None  # None | satisfied | unsatisfied
    complaint: bool


@dataclass(frozen=True)
class Feedback:
    code: str
    unit: str
    received_at: datetime
    refused_at: datetime | None
    answered_at: datetime | None
    published_at: datetime | None
    rating: str | None
    raised_again: bool


@dataclass(frozen=True)
class Record:
    """A whole exchange folder."""

    units: tuple[Unit, ...]
    procedures: tuple[Procedure, ...]
    authority: tuple[Authority, ...]
    dossiers: tuple[Dossier, ...]
    feedback: tuple[Feedback, ...]


class RecordError(ValueError):
    """A folder that does not follow the exchange format; `problems` are "file:line: field: message"."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the exchange folder:\n{shown}{more}")


class _Bad(ValueError):
    """One field's problem; the reader adds the file, line and field."""


# -- field parsers ------------------------------------------------------------------------------------


def _csv_bool(text: str) -> bool:
    if text not in ("1", "0"):
        raise _Bad(f"expected 1 or 0, got {text!r}")
    return text == "1"


def _json_bool(value) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {value!r}")
    return value


def _timestamp(value) -> datetime:
    if not isinstance(value, str):
        raise _Bad(f"expected an ISO 8601 timestamp, got {value!r}")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"not an ISO 8601 timestamp: {value!r}") from None
    if at.tzinfo is None:
        raise _Bad(f"timestamp without an offset: {value!r}")
    return at


def _optional_timestamp(value) -> datetime | None:
    return None if value is None else _timestamp(value)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"not a YYYY-MM-DD date: {text!r}") from None


def _optional_date(text: str) -> date | None:
    return None if text == "" else _date(text)


def _csv_int(text: str) -> int:
    if not text.isdigit():
        raise _Bad(f"expected a non-negative integer, got {text!r}")
    return int(text)


def _json_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"expected a non-negative integer, got {value!r}")
    return value


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(f"expected a number, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise _Bad(f"expected a non-negative number, got {text!r}")
    return value


def _text(value) -> str:
    if not isinstance(value, str) or value == "":
        raise _Bad(f"expected a non-empty string, got {value!r}")
    return value


def _choice(choices: tuple[str, ...], optional: bool = False):
    def parse(value):
        if optional and value is None:
            return None
        if value not in choices:
            raise _Bad(f"expected one of {', '.join(choices)}{' or null' if optional else ''}, got {value!r}")
        return value
    return parse


def _waits(value) -> tuple[Wait, ...]:
    if not isinstance(value, list):
        raise _Bad(f"expected a list of {{requested_at, completed_at}}, got {value!r}")
    waits = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"requested_at", "completed_at"}:
            raise _Bad(f"each item must have exactly requested_at and completed_at, got {item!r}")
        requested, completed = _timestamp(item["requested_at"]), _optional_timestamp(item["completed_at"])
        if completed is not None and completed < requested:
            raise _Bad(f"completed_at {item['completed_at']} is before requested_at {item['requested_at']}")
        waits.append((requested, completed))
    return tuple(waits)


def _e_result(value) -> EResult | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"code", "issued_at"}:
        raise _Bad(f"expected null or {{code, issued_at}}, got {value!r}")
    return EResult(code=_text(value["code"]), issued_at=_timestamp(value["issued_at"]))


def _nullable_text(value) -> str | None:
    return None if value == "" else value


_UNIT_FIELDS = {"code": _text, "name": _text, "kind": _choice(UNIT_KINDS), "parent_code": _nullable_text,
                "e_certified_copy": _csv_bool}
_PROCEDURE_FIELDS = {
    "code": _text, "name": _text, "field": str, "level": _choice(LEVELS), "time_limit": _decimal,
    "time_unit": _choice(TIME_UNITS), "fee_vnd": _csv_int, "written_result": _csv_bool,
    "online_level": _choice(ONLINE_LEVELS), "full_online_eligible": _csv_bool, "for_citizens": _csv_bool,
    "decision_date": _optional_date, "legal_effective_date": _optional_date, "published_at": _optional_date,
    "parts_complete": _csv_bool, "fee_integrated": _csv_bool}
_AUTHORITY_FIELDS = {"unit_code": _text, "procedure_code": _text}
_DOSSIER_FIELDS = {
    "code": _text, "procedure": _text, "unit": _text, "received_by": _text, "channel": _choice(CHANNELS),
    "full_online": _json_bool, "received_at": _timestamp, "due_at": _optional_timestamp,
    "supplements": _waits, "fee_waits": _waits, "resolved_at": _optional_timestamp,
    "returned_at": _optional_timestamp, "ended": _choice(ENDINGS, optional=True),
    "ended_at": _optional_timestamp, "synced_at": _optional_timestamp, "fee_vnd": _json_int,
    "paid_online_at": _optional_timestamp, "digitized": _json_bool, "e_result": _e_result,
    "reused_data": _json_bool, "from_data_store": _json_bool, "result_to_data_store": _json_bool,
    "citizen_data": _json_bool, "rating": _choice(RATINGS, optional=True), "complaint": _json_bool}
_FEEDBACK_FIELDS = {
    "code": _text, "unit": _text, "received_at": _timestamp, "refused_at": _optional_timestamp,
    "answered_at": _optional_timestamp, "published_at": _optional_timestamp,
    "rating": _choice(RATINGS, optional=True), "raised_again": _json_bool}

assert list(_UNIT_FIELDS) == [f.name for f in fields(Unit)]
assert list(_PROCEDURE_FIELDS) == [f.name for f in fields(Procedure)]
assert list(_AUTHORITY_FIELDS) == [f.name for f in fields(Authority)]
assert list(_DOSSIER_FIELDS) == [f.name for f in fields(Dossier)]
assert list(_FEEDBACK_FIELDS) == [f.name for f in fields(Feedback)]


# -- reading ------------------------------------------------------------------------------------------


def _build(cls, parsers: dict, raw: dict, where: str, problems: list[str]):
    unknown = sorted(set(raw) - set(parsers))
    missing = [name for name in parsers if name not in raw]
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"{where}: missing field(s) {', '.join(missing)}")
    if unknown or missing:
        return None
    values, ok = {}, True
    for name, parse in parsers.items():
        try:
            values[name] = parse(raw[name])
        except _Bad as exc:
            problems.append(f"{where}: {name}: {exc}")
            ok = False
    return cls(**values) if ok else None


def _read_csv(path: Path, cls, parsers: dict, problems: list[str]) -> list:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        if header != list(parsers):
            problems.append(f"{path.name}:1: header must be {','.join(parsers)}, got {','.join(header)}")
            return rows
        for line, raw in enumerate(reader, start=2):
            if None in raw or None in raw.values():
                problems.append(f"{path.name}:{line}: expected {len(parsers)} columns")
                continue
            row = _build(cls, parsers, raw, f"{path.name}:{line}", problems)
            if row is not None:
                rows.append(row)
    return rows


def _read_jsonl(path: Path, cls, parsers: dict, problems: list[str]) -> list[tuple[int, object]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{line}: not JSON: {exc}")
                continue
            if not isinstance(raw, dict):
                problems.append(f"{path.name}:{line}: expected one JSON object")
                continue
            row = _build(cls, parsers, raw, f"{path.name}:{line}", problems)
            if row is not None:
                rows.append((line, row))
    return rows


def read_folder(path: Path | str,
                due_for: Callable[[Dossier], datetime] | None = None) -> Record:
    """Read an exchange folder; every dossier of the result has `due_at` set.

    A dossier whose `due_at` is null gets `due_for(dossier)` (the due time computed by the rules of
    rules.md from its receipt and procedure); without `due_for` such a dossier is an error.
    """
    folder = Path(path)
    problems: list[str] = []
    names = ("units.csv", "procedures.csv", "authority.csv", "dossiers.jsonl", "feedback.jsonl")
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise RecordError([f"{name}: missing from {folder}" for name in missing])

    units = _read_csv(folder / "units.csv", Unit, _UNIT_FIELDS, problems)
    procedures = _read_csv(folder / "procedures.csv", Procedure, _PROCEDURE_FIELDS, problems)
    authority = _read_csv(folder / "authority.csv", Authority, _AUTHORITY_FIELDS, problems)
    dossier_lines = _read_jsonl(folder / "dossiers.jsonl", Dossier, _DOSSIER_FIELDS, problems)
    feedback_lines = _read_jsonl(folder / "feedback.jsonl", Feedback, _FEEDBACK_FIELDS, problems)

    unit_codes = _unique(units, "units.csv", problems)
    procedure_codes = _unique(procedures, "procedures.csv", problems)
    _check_tree(units, unit_codes, problems)
    seen_authority = set()
    for line, row in enumerate(authority, start=2):
        if row.unit_code not in unit_codes:
            problems.append(f"authority.csv:{line}: unit_code: unknown unit {row.unit_code!r}")
        if row.procedure_code not in procedure_codes:
            problems.append(f"authority.csv:{line}: procedure_code: unknown procedure {row.procedure_code!r}")
        if (row.unit_code, row.procedure_code) in seen_authority:
            problems.append(f"authority.csv:{line}: duplicate row {row.unit_code},{row.procedure_code}")
        seen_authority.add((row.unit_code, row.procedure_code))

    dossiers, dossier_codes = [], set()
    for line, d in dossier_lines:
        where = f"dossiers.jsonl:{line}"
        if d.code in dossier_codes:
            problems.append(f"{where}: code: duplicate dossier {d.code!r}")
        dossier_codes.add(d.code)
        for name in ("unit", "received_by"):
            if getattr(d, name) not in unit_codes:
                problems.append(f"{where}: {name}: unknown unit {getattr(d, name)!r}")
        if d.procedure not in procedure_codes:
            problems.append(f"{where}: procedure: unknown procedure {d.procedure!r}")
        if d.returned_at is not None and (d.resolved_at is None or d.resolved_at > d.returned_at):
            problems.append(f"{where}: returned_at: requires resolved_at <= returned_at")
        if (d.ended is None) != (d.ended_at is None):
            problems.append(f"{where}: ended_at: must be set exactly when ended is")
        if d.due_at is None:
            if due_for is None:
                problems.append(f"{where}: due_at: null and no rule was given to compute it")
                continue
            d = replace(d, due_at=due_for(d))
        dossiers.append(d)

    feedback, feedback_codes = [], set()
    for line, item in feedback_lines:
        if item.code in feedback_codes:
            problems.append(f"feedback.jsonl:{line}: code: duplicate feedback {item.code!r}")
        feedback_codes.add(item.code)
        if item.unit not in unit_codes:
            problems.append(f"feedback.jsonl:{line}: unit: unknown unit {item.unit!r}")
        feedback.append(item)

    if problems:
        raise RecordError(problems)
    return Record(units=tuple(units), procedures=tuple(procedures), authority=tuple(authority),
                  dossiers=tuple(dossiers), feedback=tuple(feedback))


def _unique(rows: list, file: str, problems: list[str]) -> set[str]:
    codes = set()
    for line, row in enumerate(rows, start=2):
        if row.code in codes:
            problems.append(f"{file}:{line}: code: duplicate {row.code!r}")
        codes.add(row.code)
    return codes


def _check_tree(units: list[Unit], codes: set[str], problems: list[str]) -> None:
    """One province at the root; every other unit's parent exists; no cycles."""
    provinces = [u for u in units if u.kind == "province"]
    if len(provinces) != 1:
        problems.append(f"units.csv: expected exactly one province, found {len(provinces)}")
    parents = {u.code: u.parent_code for u in units}
    for line, u in enumerate(units, start=2):
        if u.kind == "province":
            if u.parent_code is not None:
                problems.append(f"units.csv:{line}: parent_code: the province has no parent")
            continue
        if u.parent_code is None or u.parent_code not in codes:
            problems.append(f"units.csv:{line}: parent_code: unknown unit {u.parent_code!r}")
            continue
        seen, code = {u.code}, u.parent_code
        while code is not None:
            if code in seen:
                problems.append(f"units.csv:{line}: parent_code: cycle through {code!r}")
                break
            seen.add(code)
            code = parents.get(code)
