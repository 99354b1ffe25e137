"""The home page's figures without counting the whole table on each request.

Counts by (unit, status, channel) are kept in this process and brought up to the database's last
committed change on every call, the way the live index is (`motcua.changes.tracking`): one query for the
watermark, then only the dossiers stamped since are read again; an import or a deletion (a new generation)
reads every row's three small columns once more.

"Overdue" is the one definition (`motcua.lib.lateness`) as the live index applies it at `now` (its `late`
fact), kept to the dossiers whose status is open — the same two conditions as
`office.clock.overdue_open_dossiers`, which the tests compare it with on random records.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from motcua.changes import tracking as changes
from motcua.dossiers.constants import OPEN_STATUSES, Channel, Status
from motcua.dossiers.models import Dossier
from motcua.indicators import livelists

OPEN = np.array(sorted(int(s) for s in OPEN_STATUSES), dtype=np.int64)
COMPACT_AT = 50_000  # changed dossiers kept aside before the arrays are read again


@dataclass(frozen=True)
class UnitFigures:
    total: int
    open: int
    overdue: int


@dataclass(frozen=True)
class Figures:
    total: int
    online: int
    open: int
    returned: int
    overdue: int
    by_unit: dict[int, UnitFigures]  # unit id -> its figures, for the units with dossiers


class StatusCounts:
    """(unit id, status, channel) of every dossier: sorted arrays read once, the dossiers changed since in a
    dict beside them, and the counts per (unit, status, channel) kept with each change."""

    def __init__(self):
        self.lock = threading.RLock()
        self.mark: changes.Watermark | None = None
        self.alias = None

    def _read_all(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, unit_id, status, channel FROM {Dossier._meta.db_table} ORDER BY id")
            parts = [np.zeros((0, 4), dtype=np.int64)]
            while chunk := cursor.fetchmany(100_000):  # a Python tuple per row only for a chunk at a time
                parts.append(np.array(chunk, dtype=np.int64).reshape(-1, 4))
            rows = np.concatenate(parts)
        self.ids, self.unit, self.statuses, self.channel = (rows[:, i].copy() for i in range(4))
        self.changed: dict[int, tuple[int, int, int] | None] = {}
        keys, counts = np.unique(rows[:, 1:], axis=0, return_counts=True)
        self.counts = Counter({tuple(key): int(n) for key, n in zip(keys.tolist(), counts.tolist(), strict=True)})

    def _old(self, pk: int) -> tuple[int, int, int] | None:
        if pk in self.changed:
            return self.changed[pk]
        where = int(np.searchsorted(self.ids, pk))
        if where < len(self.ids) and self.ids[where] == pk:
            return int(self.unit[where]), int(self.statuses[where]), int(self.channel[where])
        return None

    def refresh(self) -> None:
        """Bring the counts up to the database's last committed change."""
        with self.lock:
            alias = (connection.settings_dict.get("NAME"), connection.vendor)
            mark = changes.watermark()
            old = self.mark
            if old is None or alias != self.alias or (mark.token, mark.generation) != (old.token, old.generation):
                self._read_all()
            elif stamped := sorted(set(changes.stamped_since(old, now=mark))):
                current = {pk: (unit, status, channel) for pk, unit, status, channel in
                           Dossier.objects.filter(pk__in=stamped).values_list("pk", "unit_id", "status", "channel")}
                for pk in stamped:
                    before, after = self._old(pk), current.get(pk)
                    if before is not None:
                        self.counts[before] -= 1
                    if after is not None:
                        self.counts[after] += 1
                    self.changed[pk] = after
                if len(self.changed) > COMPACT_AT:
                    self._read_all()
            self.mark, self.alias = mark, alias

    def open_among(self, ids: np.ndarray) -> np.ndarray:
        """Which of the sorted `ids` have an open status now."""
        status = np.full(len(ids), -1, dtype=np.int64)
        if len(ids) and len(self.ids):
            where = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
            found = self.ids[where] == ids
            status[found] = self.statuses[where[found]]
        if len(ids) and self.changed:
            changed = np.fromiter(self.changed, dtype=np.int64, count=len(self.changed))
            where = np.minimum(np.searchsorted(ids, changed), len(ids) - 1)
            hit = ids[where] == changed
            for pk, i in zip(changed[hit].tolist(), where[hit].tolist(), strict=True):
                row = self.changed[pk]
                status[i] = -1 if row is None else row[1]
        return np.isin(status, OPEN)


_counts = StatusCounts()


def home_figures(now: datetime) -> Figures:
    """The home page's totals and each unit's, current within one request of any change."""
    with _counts.lock:
        _counts.refresh()
        counts = +_counts.counts  # without the emptied keys
        overdue = Counter()
        # No open dossier, nothing overdue: and an empty database (a fresh install) has no units for the
        # index to read.
        if any(status in OPEN for (_, status, _) in counts):
            late_ids, late_units = livelists.late_at(now)
            overdue = Counter(late_units[_counts.open_among(late_ids)].tolist())
    open_statuses = {int(s) for s in OPEN_STATUSES}
    total, online, opened, returned = 0, 0, 0, 0
    per_unit: dict[int, list[int]] = {}
    for (unit, status, channel), n in counts.items():
        total += n
        online += n if channel == Channel.ONLINE else 0
        returned += n if status == Status.RETURNED else 0
        entry = per_unit.setdefault(unit, [0, 0])
        entry[0] += n
        if status in open_statuses:
            opened += n
            entry[1] += n
    return Figures(total=total, online=online, open=opened, returned=returned, overdue=sum(overdue.values()),
                   by_unit={unit: UnitFigures(t, o, overdue.get(unit, 0)) for unit, (t, o) in per_unit.items()})


def reset() -> None:
    """Forget everything read (tests; the next call reads every row again)."""
    _counts.mark = None
