"""Reading and validating an exchange-format folder, row by row, naming the file, line and field of
every error. Nothing here writes to the database.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from motcua.interchange import schema as s

FILES = ("units.csv", "procedures.csv", "authority.csv", "dossiers.jsonl", "feedback.jsonl")
MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self):
        return f"{self.file}, dòng {self.line}, trường “{self.field}”: {self.message}"


class ImportFailed(Exception):
    """The folder has errors; nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__("\n".join(str(p) for p in problems))


class ProblemLog:
    def __init__(self):
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, file: str, line: int, field: str, message: str):
        self.total += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(Problem(file, line, field, message))

    def raise_if_any(self):
        if self.total:
            raise ImportFailed(self.problems, self.total)


def read_csv(path: Path, columns: tuple[str, ...], log: ProblemLog) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV file as (line number, row); a wrong header stops reading that file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            log.add(path.name, 1, "(tiêu đề)", "tệp rỗng, thiếu dòng tiêu đề")
            return
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        unknown = [c for c in header if c not in columns]
        missing = [c for c in columns if c not in header]
        if unknown or missing:
            field = (unknown or missing)[0]
            log.add(path.name, 1, field, "cột không thuộc định dạng trao đổi" if unknown else "thiếu cột bắt buộc")
            return
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                log.add(path.name, line, "(dòng)", f"có {len(row)} ô, tiêu đề có {len(header)} cột")
                continue
            yield line, dict(zip(header, row, strict=True))


def read_jsonl(path: Path, keys: tuple[str, ...], log: ProblemLog) -> Iterator[tuple[int, dict]]:
    with path.open("rb") as handle:
        yield from read_jsonl_lines(path.name, enumerate(handle, start=1), keys, log)


def read_jsonl_lines(name: str, numbered: Iterable[tuple[int, bytes]], keys: tuple[str, ...],
                     log: ProblemLog) -> Iterator[tuple[int, dict]]:
    """Objects of numbered JSONL lines (bytes) that are JSON objects with exactly `keys`; others logged."""
    for line, raw in numbered:
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            log.add(name, line, "(UTF-8)", "dòng không phải văn bản UTF-8")
            continue
        except json.JSONDecodeError as exc:
            log.add(name, line, "(JSON)", f"không đọc được JSON: {exc.msg}")
            continue
        try:
            s.check_keys(obj, keys)
        except s.FieldError as exc:
            log.add(name, line, exc.field, exc.message)
            continue
        yield line, obj


# --- Row parsers: each returns plain values or raises FieldError ------------------------------------------

def parse_unit(row: dict) -> dict:
    return {
        "code": s.csv_text(row, "code"),
        "name": s.csv_text(row, "name"),
        "kind": s.csv_choice(row, "kind", s.UNIT_KINDS),
        "parent_code": row["parent_code"] or None,
        "e_certified_copy": s.csv_bool(row, "e_certified_copy"),
    }


def parse_procedure(row: dict) -> dict:
    return {
        "code": s.csv_text(row, "code"),
        "name": s.csv_text(row, "name"),
        "field": s.csv_text(row, "field"),
        "level": s.csv_choice(row, "level", s.LEVELS),
        "time_limit": s.csv_decimal(row, "time_limit"),
        "time_unit": s.csv_choice(row, "time_unit", s.TIME_UNITS),
        "fee_vnd": s.csv_int(row, "fee_vnd"),
        "written_result": s.csv_bool(row, "written_result"),
        "online_level": s.csv_choice(row, "online_level", s.ONLINE_LEVELS),
        "full_online_eligible": s.csv_bool(row, "full_online_eligible"),
        "for_citizens": s.csv_bool(row, "for_citizens"),
        "decision_date": s.csv_date(row, "decision_date"),
        "legal_effective_date": s.csv_date(row, "legal_effective_date"),
        "published_at": s.csv_date(row, "published_at", required=False),
        "parts_complete": s.csv_bool(row, "parts_complete"),
        "fee_integrated": s.csv_bool(row, "fee_integrated"),
    }


def parse_dossier(obj: dict) -> dict:
    d = {
        "code": s.json_str(obj, "code"),
        "procedure": s.json_str(obj, "procedure"),
        "unit": s.json_str(obj, "unit"),
        "received_by": s.json_str(obj, "received_by"),
        "channel": s.json_choice(obj, "channel", s.CHANNELS),
        "full_online": s.json_bool(obj, "full_online"),
        "received_at": s.json_timestamp(obj, "received_at", nullable=False),
        "due_at": s.json_timestamp(obj, "due_at"),
        "supplements": s.json_intervals(obj, "supplements"),
        "fee_waits": s.json_intervals(obj, "fee_waits"),
        "resolved_at": s.json_timestamp(obj, "resolved_at"),
        "returned_at": s.json_timestamp(obj, "returned_at"),
        "ended": s.json_choice(obj, "ended", s.ENDINGS, nullable=True),
        "ended_at": s.json_timestamp(obj, "ended_at"),
        "synced_at": s.json_timestamp(obj, "synced_at"),
        "fee_vnd": s.json_int(obj, "fee_vnd"),
        "paid_online_at": s.json_timestamp(obj, "paid_online_at"),
        "digitized": s.json_bool(obj, "digitized"),
        "e_result": _parse_e_result(obj),
        "reused_data": s.json_bool(obj, "reused_data"),
        "from_data_store": s.json_bool(obj, "from_data_store"),
        "result_to_data_store": s.json_bool(obj, "result_to_data_store"),
        "citizen_data": s.json_bool(obj, "citizen_data"),
        "rating": s.json_choice(obj, "rating", s.RATINGS, nullable=True),
        "complaint": s.json_bool(obj, "complaint"),
    }
    if d["returned_at"] is not None and (d["resolved_at"] is None or d["resolved_at"] > d["returned_at"]):
        raise s.FieldError("returned_at", "cần có resolved_at và resolved_at ≤ returned_at")
    if (d["ended"] is None) != (d["ended_at"] is None):
        raise s.FieldError("ended_at", "ended và ended_at phải cùng có hoặc cùng null")
    return d


def _parse_e_result(obj: dict):
    value = obj["e_result"]
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"code", "issued_at"}:
        raise s.FieldError("e_result", "phải là null hoặc {code, issued_at}")
    if not isinstance(value["code"], str) or not value["code"]:
        raise s.FieldError("e_result.code", "phải là chuỗi không rỗng")
    return (value["code"], s.parse_timestamp(value["issued_at"], "e_result.issued_at"))


def parse_feedback(obj: dict) -> dict:
    return {
        "code": s.json_str(obj, "code"),
        "unit": s.json_str(obj, "unit"),
        "received_at": s.json_timestamp(obj, "received_at", nullable=False),
        "refused_at": s.json_timestamp(obj, "refused_at"),
        "answered_at": s.json_timestamp(obj, "answered_at"),
        "published_at": s.json_timestamp(obj, "published_at"),
        "rating": s.json_choice(obj, "rating", s.RATINGS, nullable=True),
        "raised_again": s.json_bool(obj, "raised_again"),
    }
