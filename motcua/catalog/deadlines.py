"""Due times of dossiers (ngày hẹn trả): the catalog's limits, the unit's calendar and the online policy.

The arithmetic lives in `motcua.lib.workingtime`; this module only chooses its inputs.
"""

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from motcua.catalog.models import OnlineReductionPolicy
from motcua.lib import workingtime
from motcua.units.calendars import CalendarBook


@dataclass(frozen=True)
class ProcedureLimit:
    """What of a procedure decides a due time."""

    time_limit: Decimal
    time_unit: str
    same_day_cutoff: time | None = None
    online_reduction_percent: int | None = None

    @classmethod
    def of(cls, procedure) -> "ProcedureLimit":
        return cls(procedure.time_limit, procedure.time_unit, procedure.same_day_cutoff,
                   procedure.online_reduction_percent)


class DeadlinePolicy:
    """Computes due times for any unit from the configuration read once at construction."""

    def __init__(self, calendars: CalendarBook | None = None, reductions: dict[int, int] | None = None):
        self.calendars = calendars or CalendarBook()
        if reductions is None:
            reductions = dict(OnlineReductionPolicy.objects.values_list("year", "percent"))
        self.reductions = reductions

    def reduction_percent(self, limit: ProcedureLimit, received_at: datetime, online: bool) -> int:
        if not online:
            return 0
        if limit.online_reduction_percent is not None:
            return limit.online_reduction_percent
        return self.reductions.get(received_at.astimezone(workingtime.LOCAL_TZ).year, 0)

    def due(self, limit: ProcedureLimit, unit_code: str, received_at: datetime, online: bool) -> datetime:
        calendar = self.calendars.for_unit(unit_code)
        return workingtime.compute_due(
            calendar, received_at, limit.time_limit, limit.time_unit,
            reduction_percent=self.reduction_percent(limit, received_at, online),
            cutoff=limit.same_day_cutoff)
