"""The working calendar of each unit, built once from the unit's sessions and the calendar exceptions.

This is the one place where database configuration turns into `workingtime.WorkingCalendar`s.
"""

from motcua.lib.workingtime import WorkingCalendar
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
        self._calendars: dict[tuple, WorkingCalendar] = {}
        self._by_code: dict[str, WorkingCalendar] = {}
        for unit in units:
            lineage = []
            node = unit
            while node is not None:
                lineage.append(node.id)
                node = by_id.get(node.parent_id)
            self._by_code[unit.code] = self._calendar(unit.working_sessions(), [None, *reversed(lineage)], by_unit)
        self.default = self._calendar(None, [None], by_unit)

    def _calendar(self, sessions, layers, by_unit) -> WorkingCalendar:
        state = {}
        for layer in layers:
            for exception in by_unit.get(layer, ()):
                state[exception.date] = exception.kind
        closures = frozenset(d for d, kind in state.items() if kind == CalendarException.Kind.CLOSURE)
        extras = frozenset(d for d, kind in state.items() if kind == CalendarException.Kind.EXTRA_WORKING_DAY)
        key = (sessions, closures, extras)
        if key not in self._calendars:
            options = {"sessions": sessions} if sessions else {}
            self._calendars[key] = WorkingCalendar(closures=closures, extra_working_days=extras, **options)
        return self._calendars[key]

    def for_unit(self, code: str) -> WorkingCalendar:
        return self._by_code.get(code, self.default)
