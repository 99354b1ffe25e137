"""The one entry point that pages, the API, reports and the command use to get index numbers.

Today it runs the from-scratch reference path over the database; the live engine replaces the body of
these functions without changing their signatures.
"""

from datetime import date, datetime

from motcua.indicators.compute import compute, compute_extras
from motcua.indicators.from_db import record_from_db
from motcua.indicators.rules import DEFAULT_RULESET, load_ruleset
from motcua.units.calendars import CalendarBook


def index_json(date_from: date, date_to: date, unit_code: str | None = None, rules: str = DEFAULT_RULESET,
               now: datetime | None = None) -> dict:
    """The `motcua index --json` object (interchange.md command-line contract)."""
    book = CalendarBook()
    return compute(record_from_db(), load_ruleset(rules), date_from, date_to, now=now, unit_code=unit_code,
                   calendar_for=book.for_unit)


def extras_json(date_from: date, date_to: date, unit_code: str | None = None, now: datetime | None = None) -> dict:
    """Average processing time per procedure and channel, overdue share, dossiers not synced."""
    book = CalendarBook()
    return compute_extras(record_from_db(), date_from, date_to, now=now, unit_code=unit_code,
                          calendar_for=book.for_unit)
