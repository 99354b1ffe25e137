"""The national result published for the provinces' index pages: `motcua national … --out DIR` into the
folder of the setting MOTCUA_NATIONAL_DIR (default VAR_DIR/national), read back as the ranking of the
provinces with the national median and the best province, for one province's comparison.

Only the head of `national.json` is kept (the ranking and each province's group points), once per
version of the file; the units of every province stay in the file.
"""

from __future__ import annotations

import json
import statistics
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

NATIONAL_JSON = "national.json"


@dataclass(frozen=True)
class Published:
    rules: dict
    date_from: str
    date_to: str
    evaluated_at: str | None
    provinces: list[dict]  # {"rank", "code", "name", "total", "groups": [{"id", "points", "max"}]}, best first

    def province(self, code: str | None) -> dict | None:
        return next((p for p in self.provinces if p["code"] == code), None)

    def median_total(self) -> float:
        return statistics.median(p["total"] for p in self.provinces)

    def median_points(self, group_id: str) -> float:
        return statistics.median(g["points"] for p in self.provinces for g in p.get("groups", ()) if g["id"] == group_id)

    @property
    def best(self) -> dict:
        return self.provinces[0]


_lock = threading.Lock()
_kept: dict = {}


def folder() -> Path:
    return Path(settings.MOTCUA_NATIONAL_DIR)


def published() -> Published | None:
    """The result in the national folder, or None when none is published (or it has no province)."""
    path = folder() / NATIONAL_JSON
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    version = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        if _kept.get("version") != version:
            data = json.loads(path.read_text(encoding="utf-8"))
            _kept.update(version=version, result=Published(
                rules=data.get("rules") or {}, date_from=data["from"], date_to=data["to"],
                evaluated_at=data.get("evaluated_at"), provinces=data["provinces"]) if data["provinces"] else None)
        return _kept["result"]
