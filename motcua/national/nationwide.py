"""The national view: every province's and every unit's index in one run over a folder of provinces.

A national folder holds one Parquet folder per province (`generator`, or each province's
`motcua export --format parquet`); each is computed by the chosen engine with the live engine's
definitions, and the provinces are ranked by total (ties share a rank, then by code).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from motcua.indicators.rules import DEFAULT_RULESET
from motcua.national import engines
from motcua.national import layout as L


def province_folders(root) -> list[Path]:
    return sorted(p for p in Path(root).iterdir() if L.is_parquet_folder(p))


def national_index(root, engine: str, date_from: date, date_to: date, rules: str = DEFAULT_RULESET,
                   now: datetime | None = None, progress=None, one_scan: bool = True) -> dict:
    """{"rules", "from", "to", "evaluated_at", "provinces": [{"rank", "code", "name", "total", "groups"}, …],
    "results": {code: the contract's JSON (interchange.md)}}, the provinces best first.

    With `one_scan` the engine reads every province's dossiers in one query (`engines.Scan`); without it,
    each province is queried alone (as `motcua index --source`), the way to compare the two."""
    folders = province_folders(root)
    scan = engines.Scan(folders, engine) if one_scan else None
    results = {}
    for i, folder in enumerate(folders):
        if scan is not None:
            index = engines.SourceIndex(folder, engine, scan=scan, province=i)
        else:
            index = engines.SourceIndex(folder, engine)
        result = index.index_json(date_from, date_to, rules=rules, now=now)
        results[result["units"][0]["code"]] = result
        if progress:
            progress(folder.name)
    order = sorted(results.values(), key=lambda r: (-r["units"][0]["total"], r["units"][0]["code"]))
    ranked, previous = [], None
    for position, result in enumerate(order, start=1):
        head = result["units"][0]
        rank = ranked[-1]["rank"] if previous == head["total"] else position
        ranked.append({"rank": rank, "code": head["code"], "name": head["name"], "total": head["total"],
                       "groups": head["groups"]})
        previous = head["total"]
    first = order[0] if order else {"rules": {"name": rules, "version": None}, "evaluated_at": None}
    return {"rules": first["rules"], "from": date_from.isoformat(), "to": date_to.isoformat(),
            "evaluated_at": first["evaluated_at"], "provinces": ranked, "results": results}


def write_national(result: dict, folder) -> None:
    """national.json (the whole result) and units.parquet (one row per province and unit, with its groups)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "national.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    rows = []
    for province, data in result["results"].items():
        for unit in data["units"]:
            rows.append({"province": province, "code": unit["code"], "name": unit["name"], "total": unit["total"],
                         **{f"group_{g['id']}": g["points"] for g in unit["groups"]}})
    pq.write_table(pa.Table.from_pylist(rows), folder / "units.parquet")
