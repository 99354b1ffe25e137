"""Patterns that look like gaming the index, per department or commune and period (issue 11, point 6).

None of these changes a score: they are flags beside the ranking, each with its numbers and the dossiers
behind it, for a person to look at (docs/ranking.md). A dossier is attributed to the department or
commune whose subtree holds its competent unit (an office's dossiers to its department), as the index
does. Thresholds are the constants below; `settings.MOTCUA_GAMING_THRESHOLDS` (a dict with the same
lower-case names) overrides any of them.

- `supplement_share`: the share of the unit's dossiers received in the period that were asked for a
  supplement is at least SUPPLEMENT_SHARE_FACTOR times the province's, on at least SUPPLEMENT_MIN_DOSSIERS
  dossiers (asking for a supplement stops the clock of indicator 2.1);
- `supplement_before_due`: at least LATE_REQUEST_MIN supplement requests made in the period within
  LATE_REQUEST_HOURS before the dossier's due, and at least LATE_REQUEST_SHARE of the unit's requests;
- `stale_supplement`: dossiers still waiting for a supplement asked STALE_SUPPLEMENT_DAYS days or more
  before t, and not ended (the dossier is out of every "late" count while it waits);
- `bulk_late_sync`: at least BURST_MIN dossiers synced to the national portal within BURST_MINUTES of each
  other in the period, each LATE_SYNC_HOURS or more after it was received (indicator 1.4 repaired in one
  go, not dossiers synced as they happen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q

from motcua.dossiers.constants import PauseKind
from motcua.dossiers.models import Dossier, DossierPause
from motcua.lib.periods import Period
from motcua.units.models import Unit, UnitKind

SUPPLEMENT_SHARE_FACTOR = 2.0
SUPPLEMENT_MIN_DOSSIERS = 5
LATE_REQUEST_HOURS = 24
LATE_REQUEST_MIN = 3
LATE_REQUEST_SHARE = 0.5
STALE_SUPPLEMENT_DAYS = 60
LATE_SYNC_HOURS = 72
BURST_MINUTES = 60
BURST_MIN = 10

LISTED_KINDS = (UnitKind.DEPARTMENT, UnitKind.COMMUNE)

LABELS = {
    "supplement_share": "Tỷ lệ hồ sơ yêu cầu bổ sung cao bất thường",
    "supplement_before_due": "Yêu cầu bổ sung sát hạn trả",
    "stale_supplement": "Hồ sơ chờ bổ sung quá lâu",
    "bulk_late_sync": "Đồng bộ muộn hàng loạt",
}


def threshold(name: str):
    """A threshold: settings.MOTCUA_GAMING_THRESHOLDS[name] if set, else the module's constant."""
    overrides = getattr(settings, "MOTCUA_GAMING_THRESHOLDS", {}) or {}
    return overrides.get(name.lower(), globals()[name.upper()])


@dataclass(frozen=True)
class Flag:
    kind: str
    unit_code: str
    summary: str  # the numbers, in Vietnamese
    numbers: dict
    dossiers: tuple[str, ...]  # dossier codes behind the flag

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def listed_units() -> dict[int, str]:
    """unit id -> the code of the department or commune it reports under (offices under their department;
    the province and units outside a listed subtree are left out)."""
    rows = {pk: (code, kind, parent) for pk, code, kind, parent in
            Unit.objects.values_list("id", "code", "kind", "parent_id")}
    found = {}
    for pk in rows:
        current = pk
        while current is not None and rows[current][1] not in LISTED_KINDS:
            current = rows[current][2]
        if current is not None:
            found[pk] = rows[current][0]
    return found


def _percent(value: float) -> str:
    return f"{value * 100:.2f}".replace(".", ",") + "%"


def supplement_flags(period: Period, units: dict[int, str]) -> list[Flag]:
    received = (Dossier.objects.filter(received_at__gte=period.start, received_at__lt=period.end,
                                       received_at__lte=period.t)
                .values_list("id", "code", "unit_id"))
    dossiers = {pk: (code, units.get(unit_id)) for pk, code, unit_id in received}
    pauses = (DossierPause.objects.filter(kind=PauseKind.SUPPLEMENT, dossier_id__in=list(dossiers),
                                          requested_at__lte=period.t)
              .values_list("dossier_id", "requested_at"))
    asked: dict[int, list[datetime]] = {}
    for dossier_id, requested_at in pauses:
        asked.setdefault(dossier_id, []).append(requested_at)
    per_unit: dict[str, list[int]] = {}
    for pk, (_code, unit) in dossiers.items():
        if unit is not None:
            per_unit.setdefault(unit, []).append(pk)
    total = sum(len(v) for v in per_unit.values())
    province_share = sum(1 for pks in per_unit.values() for pk in pks if pk in asked) / total if total else 0.0
    factor, least = threshold("supplement_share_factor"), threshold("supplement_min_dossiers")
    flags = []
    for unit, pks in per_unit.items():
        with_request = [pk for pk in pks if pk in asked]
        share = len(with_request) / len(pks)
        if len(with_request) >= least and share >= factor * province_share and share > province_share:
            flags.append(Flag("supplement_share", unit,
                              f"{len(with_request)}/{len(pks)} hồ sơ tiếp nhận trong kỳ bị yêu cầu bổ sung "
                              f"({_percent(share)}; toàn tỉnh {_percent(province_share)})",
                              {"with_request": len(with_request), "received": len(pks), "share": share,
                               "province_share": province_share},
                              tuple(sorted(dossiers[pk][0] for pk in with_request))))
    return flags


def supplement_before_due_flags(period: Period, units: dict[int, str]) -> list[Flag]:
    hours = timedelta(hours=threshold("late_request_hours"))
    late_min, late_share = threshold("late_request_min"), threshold("late_request_share")
    rows = (DossierPause.objects.filter(kind=PauseKind.SUPPLEMENT, requested_at__gte=period.start,
                                        requested_at__lt=period.end, requested_at__lte=period.t)
            .values_list("dossier__code", "dossier__unit_id", "dossier__due_at", "requested_at"))
    per_unit: dict[str, list[tuple[str, bool]]] = {}
    for code, unit_id, due, requested_at in rows:
        unit = units.get(unit_id)
        if unit is not None:
            near = due is not None and due - hours <= requested_at <= due
            per_unit.setdefault(unit, []).append((code, near))
    flags = []
    for unit, requests in per_unit.items():
        near = [code for code, is_near in requests if is_near]
        if len(near) >= late_min and len(near) / len(requests) >= late_share:
            flags.append(Flag("supplement_before_due", unit,
                              f"{len(near)}/{len(requests)} yêu cầu bổ sung trong kỳ được đưa ra trong "
                              f"{threshold('late_request_hours')} giờ trước hạn trả",
                              {"near_due": len(near), "requests": len(requests)}, tuple(sorted(set(near)))))
    return flags


def stale_supplement_flags(period: Period, units: dict[int, str]) -> list[Flag]:
    days = threshold("stale_supplement_days")
    before = period.t - timedelta(days=days)
    ended_by_t = (Q(dossier__resolved_at__lte=period.t) | Q(dossier__returned_at__lte=period.t)
                  | Q(dossier__ended_at__lte=period.t))
    rows = (DossierPause.objects.filter(kind=PauseKind.SUPPLEMENT, requested_at__lte=before)
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gt=period.t))
            .exclude(ended_by_t)
            .values_list("dossier__code", "dossier__unit_id", "requested_at"))
    per_unit: dict[str, dict[str, datetime]] = {}
    for code, unit_id, requested_at in rows:
        unit = units.get(unit_id)
        if unit is not None:
            codes = per_unit.setdefault(unit, {})
            codes[code] = min(requested_at, codes.get(code, requested_at))
    flags = []
    for unit, codes in per_unit.items():
        oldest = min(codes.values())
        flags.append(Flag("stale_supplement", unit,
                          f"{len(codes)} hồ sơ chờ bổ sung từ {days} ngày trở lên (lâu nhất "
                          f"{(period.t - oldest).days} ngày)",
                          {"dossiers": len(codes), "days": days, "oldest_days": (period.t - oldest).days},
                          tuple(sorted(codes))))
    return flags


def bursts(moments: list[datetime], window: timedelta, least: int) -> list[tuple[int, int]]:
    """(first index, last index + 1) of each maximal run of sorted `moments` in which at least `least`
    fall within `window` of the run's first one; runs do not overlap."""
    found, i = [], 0
    while i < len(moments):
        j = i
        while j < len(moments) and moments[j] - moments[i] <= window:
            j += 1
        if j - i >= least:
            found.append((i, j))
            i = j
        else:
            i += 1
    return found


def late_sync_flags(period: Period, units: dict[int, str]) -> list[Flag]:
    late = timedelta(hours=threshold("late_sync_hours"))
    window, least = timedelta(minutes=threshold("burst_minutes")), threshold("burst_min")
    rows = (Dossier.objects.filter(synced_at__gte=period.start, synced_at__lt=period.end, synced_at__lte=period.t)
            .values_list("code", "unit_id", "received_at", "synced_at"))
    per_unit: dict[str, list[tuple[datetime, str]]] = {}
    for code, unit_id, received_at, synced_at in rows:
        unit = units.get(unit_id)
        if unit is not None and synced_at - received_at >= late:
            per_unit.setdefault(unit, []).append((synced_at, code))
    flags = []
    for unit, items in per_unit.items():
        items.sort()
        runs = bursts([m for m, _ in items], window, least)
        if not runs:
            continue
        codes = tuple(sorted(code for i, j in runs for _, code in items[i:j]))
        largest = max(j - i for i, j in runs)
        flags.append(Flag("bulk_late_sync", unit,
                          f"{len(codes)} hồ sơ đồng bộ muộn (sau {threshold('late_sync_hours')} giờ) trong "
                          f"{len(runs)} đợt, đợt lớn nhất {largest} hồ sơ trong {threshold('burst_minutes')} phút; "
                          f"tổng số hồ sơ đồng bộ muộn trong kỳ: {len(items)}",
                          {"in_bursts": len(codes), "bursts": len(runs), "largest": largest,
                           "late_syncs": len(items),
                           "burst_starts": [items[i][0].isoformat() for i, _ in runs]},
                          codes))
    return flags


def gaming_flags(date_from: date, date_to: date, now: datetime | None = None) -> dict[str, list[Flag]]:
    """unit code -> its flags for the period (units without a flag are absent)."""
    period = Period.of(date_from, date_to, now)
    units = listed_units()
    found: dict[str, list[Flag]] = {}
    for flag in (*supplement_flags(period, units), *supplement_before_due_flags(period, units),
                 *stale_supplement_flags(period, units),
                 *late_sync_flags(period, units)):
        found.setdefault(flag.unit_code, []).append(flag)
    return found
