"""The lists of lagging units the seeds ask for (issue 11, point 5; seed 004: "các xã, phường có số lượng
hồ sơ đồng bộ thấp, ít phát sinh thanh toán trực tuyến", "chưa phát sinh hồ sơ").

Every rate and count is read from a province result of `service.index_json` (the rule set's indicators
over the populations named below), never computed a second time; only "eligible procedures not yet fully
online" comes from the catalog (procedures under the unit's subtree with `full_online_eligible` and an
online level other than full), as it is not an index number. Thresholds are the constants below, which
`settings.MOTCUA_LAGGING_THRESHOLDS` ({"low_sync_rate": ..., "low_payment_rate": ...}) overrides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from motcua.catalog.models import Authority, OnlineLevel
from motcua.indicators.rules import RuleSet
from motcua.units.models import Unit, UnitKind

LOW_SYNC_RATE = 0.95  # 1.4 below this: "đồng bộ thấp"
LOW_PAYMENT_RATE = 0.80  # 3.7 below this: "ít thanh toán trực tuyến" (the campaign's target, seed 001)

SYNC_POPULATION, SYNC_COUNTED = "dossiers_received_with_refused", "synced_by_t"
PAYMENT_POPULATION = "dossiers_received_with_fee"
FULL_ONLINE_POPULATION = "dossiers_received_full_online_eligible"
ONLINE_SERVICES_POPULATION = "procedures_online"

LISTED_KINDS = (UnitKind.DEPARTMENT, UnitKind.COMMUNE)


def threshold(name: str) -> float:
    overrides = getattr(settings, "MOTCUA_LAGGING_THRESHOLDS", {}) or {}
    return float(overrides.get(name.lower(), globals()[name.upper()]))


@dataclass(frozen=True)
class Figure:
    """One indicator of one unit as the index reports it."""

    indicator: str | None
    numerator: int
    denominator: int
    rate: float | None


@dataclass(frozen=True)
class LaggingUnit:
    code: str
    name: str
    kind: str
    sync: Figure  # 1.4: synced / received
    payment: Figure  # 3.7: paid online / with a fee
    full_online: Figure  # 3.4: fully online / of eligible procedures
    online_services: Figure  # 3.2: online services with an online dossier / online services
    eligible_not_full: tuple[tuple[str, str, str], ...]  # (code, name, online level) from the catalog

    @property
    def received(self) -> int:
        return self.sync.denominator

    @property
    def without_online_dossier(self) -> int:
        """Online services (procedures) that received no online dossier in the period (3.2's not counted)."""
        return self.online_services.denominator - self.online_services.numerator


@dataclass(frozen=True)
class LaggingList:
    key: str
    label: str
    description: str
    units: tuple[LaggingUnit, ...]


def _indicator_id(ruleset: RuleSet, population: str, counted: str | None = None) -> str | None:
    return next((r.id for r in ruleset.indicators
                 if r.population == population and (counted is None or r.counted == counted)), None)


def _figure(by_id: dict, indicator_id: str | None) -> Figure:
    if indicator_id is None or indicator_id not in by_id:
        return Figure(indicator_id, 0, 0, None)
    entry = by_id[indicator_id]
    return Figure(indicator_id, int(entry["numerator"]), int(entry["denominator"]), entry["rate"])


def eligible_not_full_online() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Listed unit code -> procedures under its subtree that are eligible for full-online service but not
    offered fully online (catalog order)."""
    rows = {pk: (code, kind, parent) for pk, code, kind, parent in
            Unit.objects.values_list("id", "code", "kind", "parent_id")}

    def listed(pk):
        while pk is not None and rows[pk][1] not in LISTED_KINDS:
            pk = rows[pk][2]
        return rows[pk][0] if pk is not None else None
    found: dict[str, dict[str, tuple[str, str, str]]] = {}
    authority = (Authority.objects.filter(procedure__full_online_eligible=True)
                 .exclude(procedure__online_level=OnlineLevel.FULL)
                 .order_by("procedure__position", "procedure__id")
                 .values_list("unit_id", "procedure__code", "procedure__name", "procedure__online_level"))
    for unit_id, code, name, level in authority:
        unit = listed(unit_id)
        if unit is not None:
            found.setdefault(unit, {})[code] = (code, name, OnlineLevel(level).label)
    return {unit: tuple(procedures.values()) for unit, procedures in found.items()}


def lagging_units(result: dict, ruleset: RuleSet, kinds: dict[str, str]) -> list[LaggingUnit]:
    """Every department and commune of a province `index_json` result with the figures the lists use."""
    ids = (_indicator_id(ruleset, SYNC_POPULATION, SYNC_COUNTED), _indicator_id(ruleset, PAYMENT_POPULATION),
           _indicator_id(ruleset, FULL_ONLINE_POPULATION), _indicator_id(ruleset, ONLINE_SERVICES_POPULATION))
    catalog = eligible_not_full_online()
    found = []
    for unit in result["units"][1:]:
        if kinds.get(unit["code"]) not in LISTED_KINDS:
            continue
        by_id = {i["id"]: i for i in unit["indicators"]}
        sync, payment, full_online, services = (_figure(by_id, i) for i in ids)
        found.append(LaggingUnit(unit["code"], unit["name"], kinds[unit["code"]], sync, payment, full_online,
                                 services, catalog.get(unit["code"], ())))
    return found


def _low(figure: Figure, below: float) -> bool:
    return figure.rate is not None and figure.rate < below


LIST_KEYS = ("dong-bo-thap", "it-thanh-toan", "chua-phat-sinh", "chua-toan-trinh", "khong-truc-tuyen")


def lagging_lists(units: list[LaggingUnit]) -> list[LaggingList]:
    """The five lists, each with the units it names, in index order (the page sorts them)."""
    low_sync, low_payment = threshold("low_sync_rate"), threshold("low_payment_rate")
    return [
        LaggingList("dong-bo-thap", "Tỷ lệ đồng bộ thấp",
                    f"Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG dưới {low_sync * 100:g}%".replace(".", ","),
                    tuple(u for u in units if _low(u.sync, low_sync))),
        LaggingList("it-thanh-toan", "Ít thanh toán trực tuyến",
                    f"Tỷ lệ hồ sơ thanh toán trực tuyến dưới {low_payment * 100:g}%".replace(".", ","),
                    tuple(u for u in units if _low(u.payment, low_payment))),
        LaggingList("chua-phat-sinh", "Chưa phát sinh hồ sơ", "Không tiếp nhận hồ sơ nào trong kỳ",
                    tuple(u for u in units if u.received == 0)),
        LaggingList("chua-toan-trinh", "TTHC đủ điều kiện chưa cung cấp toàn trình",
                    "Thủ tục đủ điều kiện cung cấp DVCTT toàn trình nhưng chưa cung cấp toàn trình",
                    tuple(u for u in units if u.eligible_not_full)),
        LaggingList("khong-truc-tuyen", "DVCTT chưa phát sinh hồ sơ trực tuyến",
                    "Dịch vụ công trực tuyến không có hồ sơ trực tuyến nào trong kỳ",
                    tuple(u for u in units if u.without_online_dossier > 0)),
    ]


SORTS = {
    "ten": lambda u: u.name.casefold(),
    "tiep-nhan": lambda u: u.received,
    "dong-bo": lambda u: (u.sync.rate is None, u.sync.rate or 0),
    "thanh-toan": lambda u: (u.payment.rate is None, u.payment.rate or 0),
    "toan-trinh": lambda u: (u.full_online.rate is None, u.full_online.rate or 0),
    "chua-toan-trinh": lambda u: len(u.eligible_not_full),
    "khong-truc-tuyen": lambda u: u.without_online_dossier,
}
DEFAULT_SORT = {"dong-bo-thap": "dong-bo", "it-thanh-toan": "thanh-toan", "chua-phat-sinh": "ten",
                "chua-toan-trinh": "chua-toan-trinh", "khong-truc-tuyen": "khong-truc-tuyen"}
DESCENDING_BY_DEFAULT = frozenset({"chua-toan-trinh", "khong-truc-tuyen", "tiep-nhan"})


def sorted_units(units, sort: str, descending: bool) -> list[LaggingUnit]:
    """Units sorted by one column; a rate that is not applicable goes last either way."""
    key = SORTS[sort]
    if sort in ("dong-bo", "thanh-toan", "toan-trinh"):
        present = sorted((u for u in units if key(u)[0] is False), key=key, reverse=descending)
        return present + [u for u in units if key(u)[0] is True]
    return sorted(units, key=key, reverse=descending)
