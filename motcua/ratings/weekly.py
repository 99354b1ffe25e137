"""The weekly list of the least-satisfied procedures and units, with the comments of unsatisfied ratings.

A week is Monday to Sunday in local time (Asia/Ho_Chi_Minh); by default the last full week before today.
A rating belongs to the week in which it was first given (`rated_at`), with its current answer. A procedure
or unit is listed when at least one of its dossiers was rated that week; the dossier's unit is the unit that
decides it (the one indicator 4.3 counts it under). Rows are ordered lowest share satisfied first, then more
ratings first, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from motcua.lib.vnformat import percent
from motcua.lib.workingtime import LOCAL_TZ
from motcua.ratings.models import DossierRating


@dataclass(frozen=True)
class Week:
    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time.min, LOCAL_TZ)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.monday + timedelta(days=7), time.min, LOCAL_TZ)

    def previous(self) -> Week:
        return Week(self.monday - timedelta(days=7))

    def next(self) -> Week:
        return Week(self.monday + timedelta(days=7))


def week_of(day: date) -> Week:
    return Week(day - timedelta(days=day.weekday()))


def last_full_week(now: datetime) -> Week:
    """The last Monday–Sunday week that has ended before `now` (local time)."""
    return week_of(now.astimezone(LOCAL_TZ).date()).previous()


@dataclass(frozen=True)
class Comment:
    code: str
    rated_at: datetime
    text: str


@dataclass
class Row:
    key: str  # the procedure's or the unit's code
    name: str
    count: int = 0
    satisfied: int = 0
    comments: list[Comment] = field(default_factory=list)

    @property
    def unsatisfied(self) -> int:
        return self.count - self.satisfied

    @property
    def share(self) -> Decimal:
        """The share satisfied, a fraction (0.9649)."""
        return Decimal(self.satisfied) / Decimal(self.count) if self.count else Decimal(0)

    @property
    def share_text(self) -> str:
        return percent(self.share)


@dataclass
class WeeklyList:
    week: Week
    procedures: list[Row]
    units: list[Row]
    count: int
    satisfied: int

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.satisfied) / Decimal(self.count) if self.count else None


def _ordered(rows: dict[str, Row]) -> list[Row]:
    for row in rows.values():
        row.comments.sort(key=lambda c: (c.rated_at, c.code))
    return sorted(rows.values(), key=lambda r: (r.share, -r.count, r.name, r.key))


def least_satisfied(week: Week, unit_ids: set[int] | None = None) -> WeeklyList:
    """The week's ratings grouped by procedure and by unit; `unit_ids` limits them to dossiers decided by
    those units (a unit leader's subtree), None is the whole province."""
    ratings = (DossierRating.objects.filter(rated_at__gte=week.start, rated_at__lt=week.end)
               .values_list("dossier__code", "dossier__procedure__code", "dossier__procedure__name",
                            "dossier__unit__code", "dossier__unit__name", "satisfied", "comment", "rated_at"))
    if unit_ids is not None:
        ratings = ratings.filter(dossier__unit_id__in=unit_ids)
    procedures: dict[str, Row] = {}
    units: dict[str, Row] = {}
    count = satisfied_count = 0
    for code, p_code, p_name, u_code, u_name, satisfied, comment, rated_at in ratings:
        count += 1
        satisfied_count += satisfied
        for rows, key, name in ((procedures, p_code, p_name), (units, u_code, u_name)):
            row = rows.setdefault(key, Row(key, name))
            row.count += 1
            row.satisfied += satisfied
            if not satisfied and comment.strip():
                row.comments.append(Comment(code, rated_at, comment.strip()))
    return WeeklyList(week, _ordered(procedures), _ordered(units), count, satisfied_count)
