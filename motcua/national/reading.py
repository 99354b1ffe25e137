"""Reading the Parquet form back: as an exchange folder for `motcua import`, and as tables for the engines.

`motcua import DIR` on a Parquet folder writes the exchange format's files (the contract) from it into a
temporary folder and imports that, so validation, idempotence and all-or-nothing stay the importer's;
derived columns are ignored (they are recomputed from the record on the next export).
"""

from __future__ import annotations

import csv
import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq

from motcua.interchange import schema as s
from motcua.interchange.exporter import ts
from motcua.national import layout as L


def read_table(folder: Path, name: str):
    """One table of the folder; the dossiers with their month column, in export order."""
    if name == L.DOSSIERS:
        return pq.read_table(folder / L.DOSSIERS).sort_by("line")
    return pq.read_table(folder / name)


def _csv(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _date(value) -> str:
    return value.isoformat() if value is not None else ""


def write_exchange_folder(source, target) -> None:
    """The exchange-format files (units.csv … feedback.jsonl) of the Parquet folder `source`."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    b = s.format_bool_csv
    units = read_table(source, L.UNITS).to_pylist()
    _csv(target / "units.csv", s.UNITS, ((u["code"], u["name"], u["kind"], u["parent_code"] or "",
                                           b(u["e_certified_copy"])) for u in units))
    procedures = read_table(source, L.PROCEDURES).to_pylist()
    _csv(target / "procedures.csv", s.PROCEDURES, (
        [b(p[name]) if isinstance(p[name], bool) else _date(p[name]) if name.endswith(("_date", "published_at"))
         else p[name] for name in s.PROCEDURES] for p in procedures))
    authority = read_table(source, L.AUTHORITY).to_pylist()
    _csv(target / "authority.csv", s.AUTHORITY, ((a["unit_code"], a["procedure_code"]) for a in authority))
    _jsonl(target / "dossiers.jsonl", read_table(source, L.DOSSIERS), s.DOSSIER_KEYS, _dossier)
    _jsonl(target / "feedback.jsonl", read_table(source, L.FEEDBACK).sort_by("line"), s.FEEDBACK_KEYS, _feedback)


def _jsonl(path: Path, table, keys, convert) -> None:
    table = table.select(list(keys))
    with path.open("w", encoding="utf-8") as handle:
        for batch in table.to_batches(max_chunksize=20_000):
            for row in batch.to_pylist():
                handle.write(json.dumps(convert(row), ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")


def _waits(items) -> list[dict]:
    return [{"requested_at": ts(w["requested_at"]), "completed_at": ts(w["completed_at"])} for w in items or ()]


def _dossier(row: dict) -> dict:
    for name in ("received_at", "due_at", "resolved_at", "returned_at", "ended_at", "synced_at", "paid_online_at"):
        row[name] = ts(row[name])
    row["supplements"], row["fee_waits"] = _waits(row["supplements"]), _waits(row["fee_waits"])
    if row["e_result"] is not None:
        row["e_result"] = {"code": row["e_result"]["code"], "issued_at": ts(row["e_result"]["issued_at"])}
    return row


def _feedback(row: dict) -> dict:
    for name in ("received_at", "refused_at", "answered_at", "published_at"):
        row[name] = ts(row[name])
    return row


@contextmanager
def as_exchange_folder(source):
    """A temporary exchange folder with the record of the Parquet folder `source`."""
    with tempfile.TemporaryDirectory(prefix="motcua-parquet-") as tmp:
        target = Path(tmp) / Path(source).name
        write_exchange_folder(source, target)
        yield target
