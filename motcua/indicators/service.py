"""The one entry point that pages, the API, reports and the command use to get index numbers.

By default the numbers come from the live engine (`live`): columns in memory, brought up to date with
the database's last committed change on every call. `from_scratch=True` runs the reference engine over
a record read from the database instead (`compute(record_from_db(), ...)`): minutes on a province, but
the definition the live engine is tested against.
"""

from datetime import date, datetime

from motcua.indicators import live
from motcua.indicators.compute import compute, compute_extras
from motcua.indicators.from_db import record_from_db
from motcua.indicators.rules import DEFAULT_RULESET, load_ruleset
from motcua.units.calendars import CalendarBook


def index_json(date_from: date, date_to: date, unit_code: str | None = None, rules: str = DEFAULT_RULESET,
               now: datetime | None = None, *, from_scratch: bool = False) -> dict:
    """The `motcua index --json` object (interchange.md command-line contract).

    Raises ValueError for an unknown unit, a period that ends before it starts, or an unknown rule set
    (`rules.RuleSetError`, a ValueError).
    """
    if from_scratch:
        book = CalendarBook()
        return compute(record_from_db(), load_ruleset(rules), date_from, date_to, now=now, unit_code=unit_code,
                       calendar_for=book.for_unit)
    return live.engine().index_json(date_from, date_to, unit_code=unit_code, rules=rules, now=now)


def extras_json(date_from: date, date_to: date, unit_code: str | None = None, now: datetime | None = None,
                *, from_scratch: bool = False) -> dict:
    """Average processing time per procedure and channel, overdue share, dossiers not synced."""
    if from_scratch:
        book = CalendarBook()
        return compute_extras(record_from_db(), date_from, date_to, now=now, unit_code=unit_code,
                              calendar_for=book.for_unit)
    return live.engine().extras_json(date_from, date_to, unit_code=unit_code, now=now)
