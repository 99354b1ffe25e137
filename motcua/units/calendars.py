"""The working calendar of each unit, built once from the unit's sessions and the calendar exceptions.

This is the one place where database configuration turns into `workingtime.WorkingCalendar`s.
"""

from functools import lru_cache

from motcua.lib.workingtime import DEFAULT_SESSIONS, WorkingCalendar
from motcua.units.models import CalendarException, Unit


class CalendarBook:
    """Working calendars keyed by unit code, sharing one calendar per distinct configuration.

    Exceptions apply from the province-wide ones down the unit's lineage; the nearest unit's word on a
    date wins, so a commune may work a day that the province closes, or close a day the province works.
    """

    def __init__(self, units=None, exceptions=None):
        units = list(Unit.objects.all()) if units is None else list(units)
        exceptions = list(CalendarException.objects.all()) if exceptions is None else list(exceptions)
        by_id = {u.id: u for u in units}
        by_unit: dict[int | None, list] = {}
        for exception in sorted(exceptions, key=lambda e: (e.date, e.id or 0)):
            by_unit.setdefault(exception.unit_id, []).append(exception)
        self._by_code: dict[str, WorkingCalendar] = {}
        for unit in units:
            lineage = []
            node = unit
            while node is not None:
                lineage.append(node.id)
                node = by_id.get(node.parent_id)
            self._by_code[unit.code] = self._calendar(unit.working_sessions(), [None, *reversed(lineage)], by_unit)
        self.default = self._calendar(DEFAULT_SESSIONS, [None], by_unit)

    @staticmethod
    def _calendar(sessions, layers, by_unit) -> WorkingCalendar:
        state = {}
        for layer in layers:
            for exception in by_unit.get(layer, ()):
                state[exception.date] = exception.kind
        closures = frozenset(d for d, kind in state.items() if kind == CalendarException.Kind.CLOSURE)
        extras = frozenset(d for d, kind in state.items() if kind == CalendarException.Kind.EXTRA_WORKING_DAY)
        return _working_calendar(tuple(sessions), closures, extras)

    def for_unit(self, code: str) -> WorkingCalendar:
        return self._by_code.get(code, self.default)


@lru_cache(maxsize=64)
def _working_calendar(sessions, closures: frozenset, extras: frozenset) -> WorkingCalendar:
    """One calendar per configuration for the whole process: building one precomputes years of working
    days (about 80 ms), too much to repeat on every request that needs a due time. A calendar only ever
    extends its range forward, under its own lock, so threads may share it."""
    return WorkingCalendar(sessions=sessions, closures=closures, extra_working_days=extras)
