"""The exchange format as Parquet: file names, and what each derived column means.

A Parquet folder holds the same tables as the JSONL/CSV exchange folder (interchange.md), with the same
field names and values, so that `motcua import` reads it back exactly; the JSONL form stays the contract.
Beside the exchange fields each table carries *derived* columns (names listed below) that the SQL engines
(`factsql`) read instead of redoing calendar arithmetic:

- every moment as **ticks**: int64 local wall-clock microseconds since 2000-01-01 00:00 +07:00 (the unit
  of `motcua.lib.workingtime`), `NEVER` (2**62) when it has not happened, so "happened by t" is `x <= t`;
- the **working-time axis** of the competent unit's calendar: a moment's *position* is the working time
  elapsed since the start of that calendar's table (`WorkingCalendar._pos`), so the working time between
  two moments is a difference and the pause of several waits is the length of a union of intervals; a
  moment's *rank* is 2 × position, plus 1 when an earlier moment has the same position (a moment in a
  gap between sessions), so that "x is after the instant at position P" is `rank(x) > 2P`;
- the due moved by every pause once all waits are over (`effective_due_ticks`), and each wait summary the
  live engine keeps (`columnar.WaitTable`): first request, when all waits were over, second supplement;
- whole-day rules that do not depend on the period: procedure decisions and publications on time,
  feedback answer and refusal deadlines (local date ordinals).

Dossiers are partitioned by the local month of receipt (`dossiers/received_month=2026-11/…`), hive
style; `line` keeps the export order, which a re-import needs (it becomes each dossier's position).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from motcua.lib import workingtime_np as wnp

FORMAT = "motcua-exchange-parquet"
VERSION = 1
MANIFEST = "manifest.json"
UNITS = "units.parquet"
PROCEDURES = "procedures.parquet"
AUTHORITY = "authority.parquet"
FEEDBACK = "feedback.parquet"
CALENDARS = "calendars.parquet"
DOSSIERS = "dossiers"  # a folder, partitioned by MONTH
WAITS = "dossier_waits.parquet"
MONTH = "received_month"

NEVER = 1 << 62  # the tick of what has not happened (as `bulkread.NEVER`)
TICKS_EPOCH = wnp.EPOCH.isoformat()

# Derived columns, by table (the rest of each table is the exchange format's fields).
DERIVED = {
    "units": ("position", "calendar_index"),
    "procedures": ("position", "decision_on_time", "published_in_time"),
    "feedback": ("line", "unit_index", "received_ticks", "refused_ticks", "answered_ticks", "answer_by_day",
                 "refuse_by_day"),
    "dossiers": ("line", "unit_index", "procedure_index", "calendar_index", "received_ticks", "due_ticks",
                 "end_ticks", "resolved_ticks", "synced_ticks", "paid_ticks", "e_issued_ticks",
                 "full_online_eligible", "written_result", "wait_first", "wait_done", "supplement2_ticks",
                 "waits_several", "effective_due_ticks", "due_position", "end_rank"),
}


def write_manifest(folder: Path, counts: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps({
        "format": FORMAT, "version": VERSION, "ticks_epoch": TICKS_EPOCH, "never": NEVER, "counts": counts,
    }, ensure_ascii=False, indent=1), encoding="utf-8")


def is_parquet_folder(folder) -> bool:
    """Whether `folder` holds the Parquet form (its manifest names this format)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("format") == FORMAT
    except (ValueError, AttributeError):
        return False


def ranks(calendar, ticks):
    """(position, rank) of each moment (ticks, a numpy array) on the calendar's working-time axis."""
    position = wnp.positions(calendar, ticks)
    earliest = wnp.instants(calendar, position) == ticks
    return position, 2 * position + (~earliest).astype(np.int64)


def month_of(ticks):
    """'YYYY-MM' of each tick's local date (numpy array in, array of str out)."""
    days = np.datetime64("2000-01-01", "D") + (np.asarray(ticks) // wnp.DAY).astype("timedelta64[D]")
    return days.astype("datetime64[M]").astype(str)
