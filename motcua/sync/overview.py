"""Who is behind with the national portal: per competent unit, the dossiers received in a period, how many
the portal has acknowledged (`synced_at` set, the numerator of indicator 1.4), how many not yet, how many
have a version the portal refused, and the sync rate; the refused versions with their reasons; a unit's
dossiers not yet acknowledged. Read-only; every number is over the dossiers the caller passes in (already
scoped to what the user may see).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from motcua.dossiers.models import Dossier
from motcua.lib.periods import Period
from motcua.lib.vnformat import number, percent
from motcua.outbox.models import Item, State
from motcua.sync.portal import KIND
from motcua.units.models import Unit

# column key -> (Vietnamese heading, whether the natural first order is descending)
COLUMNS = {
    "unit": ("Đơn vị", False),
    "received": ("Tiếp nhận", True),
    "synced": ("Đã đồng bộ", True),
    "unsynced": ("Chưa đồng bộ", True),
    "failed": ("Bị Cổng từ chối", True),
    "rate": ("Tỷ lệ đồng bộ", False),
}
DEFAULT_SORT = "rate"  # lowest rate first: the units the provincial office must call
LIST_LIMIT = 200


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    received: int
    synced: int
    failed: int

    @property
    def unsynced(self) -> int:
        return self.received - self.synced

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.synced) / Decimal(self.received) if self.received else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)

    @property
    def rate_width(self) -> str:
        """The rate as a CSS width ("96.49%"): a bar in the table cell."""
        return f"{(self.rate or 0) * 100:.2f}%"

    @property
    def rate_colour(self) -> str:
        """Red below 90 %, amber below 99 %, green above: the bar's colour."""
        rate = self.rate or 0
        return "#b91c1c" if rate < Decimal("0.9") else "#d97706" if rate < Decimal("0.99") else "#15803d"

    @property
    def texts(self) -> dict[str, str]:
        """The counts as the province writes numbers ("1.234")."""
        return {name: number(getattr(self, name)) for name in ("received", "synced", "unsynced", "failed")}


def in_period(dossiers, period: Period):
    return dossiers.filter(received_at__gte=period.start, received_at__lt=period.end)


def refused_items():
    return Item.objects.filter(kind=KIND, state=State.FAILED)


def unit_rows(dossiers, sort: str = DEFAULT_SORT) -> list[UnitRow]:
    """One row per competent unit of `dossiers` (one query for the numbers, one for the units), sorted by
    `sort` (a key of COLUMNS, "-key" for the other direction)."""
    refused = Exists(refused_items().filter(group=OuterRef("code")))
    numbers = (dossiers.order_by().values("unit_id")
               .annotate(received=Count("id"), synced=Count("id", filter=Q(synced_at__isnull=False)),
                         failed=Count("id", filter=Q(refused))))
    units = Unit.objects.in_bulk([row["unit_id"] for row in numbers])
    rows = [UnitRow(units[row["unit_id"]], row["received"], row["synced"], row["failed"]) for row in numbers]
    return sort_rows(rows, sort)


def parse_sort(sort: str | None) -> tuple[str, bool]:
    """(column, descending) from "rate", "-received", …; unknown keys fall back to the default."""
    sort = sort or DEFAULT_SORT
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in COLUMNS:
        return DEFAULT_SORT, False
    return key, descending


def sort_rows(rows: list[UnitRow], sort: str) -> list[UnitRow]:
    key, descending = parse_sort(sort)
    # Ties: more dossiers first (a low rate over many dossiers weighs more), then the unit's name.
    rows = sorted(rows, key=lambda row: (-row.received, row.unit.name))
    if key == "unit":
        return sorted(rows, key=lambda row: row.unit.name, reverse=descending)
    if key == "rate":
        # A unit without dossiers has no rate: last either way.
        rated = sorted((r for r in rows if r.rate is not None), key=lambda row: row.rate, reverse=descending)
        return rated + [r for r in rows if r.rate is None]
    return sorted(rows, key=lambda row: getattr(row, key), reverse=descending)


def totals(rows: list[UnitRow]) -> UnitRow | None:
    """The sum over the rows (a rate over all their dossiers, not an average of rates)."""
    if not rows:
        return None
    return UnitRow(Unit(name="Tổng cộng"), sum(r.received for r in rows), sum(r.synced for r in rows),
                   sum(r.failed for r in rows))


@dataclass(frozen=True)
class Failure:
    item: Item
    dossier: Dossier


def failures(dossiers, limit: int = LIST_LIMIT) -> tuple[list[Failure], int]:
    """The refused portal versions of `dossiers`, oldest first, with their dossier and unit (at most
    `limit`), and how many there are in all."""
    items = refused_items().filter(group__in=dossiers.values("code")).order_by("created_at", "id")
    count = items.count()
    listed = list(items[:limit])
    by_code = Dossier.objects.select_related("unit").in_bulk([i.group for i in listed], field_name="code")
    return [Failure(item, by_code[item.group]) for item in listed if item.group in by_code], count


@dataclass(frozen=True)
class Unsynced:
    dossier: Dossier
    pending: Item | None  # the refused version, else the oldest one waiting, if any


def unsynced(dossiers, limit: int = LIST_LIMIT) -> tuple[list[Unsynced], int]:
    """Dossiers the portal has not acknowledged yet (no `synced_at`), oldest receipt first, each with the
    version that holds it up (a refused one first); and how many there are in all."""
    waiting = dossiers.filter(synced_at__isnull=True).order_by("received_at", "id")
    count = waiting.count()
    listed = list(waiting.select_related("unit")[:limit])
    pending: dict[str, Item] = {}
    for item in (Item.objects.filter(kind=KIND, group__in=[d.code for d in listed],
                                     state__in=(State.WAITING, State.FAILED)).order_by("id")):
        # A refused version says why the portal does not hold the dossier; else the oldest waiting one.
        if item.group not in pending or (item.state == State.FAILED and pending[item.group].state != State.FAILED):
            pending[item.group] = item
    return [Unsynced(d, pending.get(d.code)) for d in listed], count
