"""Numbers, money and dates written the Vietnamese way: "177.530", "96,49%", "+0,05", "29/9/2025",
"1.234.567 đồng", "08 giờ 15 phút, ngày 05/11/2025".

The one place for the formatting shared by pages, PDFs, spreadsheets and messages, so that a number or a
date reads the same everywhere. Timestamps are shown in Vietnam's time (`local_day`, `local_moment`,
`long_moment`) unless said otherwise. Values are exact (`Decimal`, `Fraction`, `int`) or floats from the
index JSON, which are converted through their shortest repr (0.9649 stays 0.9649). Pure, no web imports.

Grouping, decimal and minus symbols, rounding and date fields are Babel's, with the 'vi' locale (CLDR).
The patterns are given explicitly, because CLDR's defaults for 'vi' are not what the province's tables
print: its percent pattern has no decimals ("96%", not "96,49%"), its short date has a two-digit year
("2/9/25"), its money sign is "₫" (documents write "đồng"), and Babel rounds half to even (0,125 -> "0,12")
where the reports round half up ("0,13"), so the formats run in a decimal context that rounds half up.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

from motcua.lib.workingtime import LOCAL_TZ

DASH = "—"
LOCALE = Locale("vi")


def to_decimal(value) -> Decimal:
    """An exact Decimal from an int, a Decimal, a Fraction (to 12 places) or a float (via its repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-12"))
    return Decimal(str(value))


@lru_cache(maxsize=64)
def _pattern(places: int, sign: bool, suffix: str = "") -> NumberPattern:
    """"#,##0.00" (with "%" for percentages; "+…;-…" when positive values carry their sign)."""
    body = "#,##0" + ("." + "0" * places if places else "") + suffix
    return parse_pattern(f"+{body};-{body}" if sign else body)


def _apply(pattern: NumberPattern, value: Decimal) -> str:
    with localcontext(rounding=ROUND_HALF_UP):
        text = pattern.apply(value, LOCALE)
    if text[0] in "+-" and not text.strip("+-0.,%"):
        return text[1:]  # zero after rounding has no sign: never "-0,00" nor "+0,00"
    return text


def number(value, places: int = 0, sign: bool = False) -> str:
    """`value` with `places` decimals (half up), "." between thousands and "," before the decimals;
    `sign` adds "+" to positive values. None is "—"."""
    if value is None:
        return DASH
    return _apply(_pattern(places, sign), to_decimal(value))


def percent(rate, places: int = 2, sign: bool = False) -> str:
    """A rate (a fraction, 0.9649) as a percentage: "96,49%"; None is "—"."""
    if rate is None:
        return DASH
    return _apply(_pattern(places, sign, "%"), to_decimal(rate))


def short_date(day: date) -> str:
    """"29/9/2025", as the province's tables write dates."""
    return format_date(day, "d/M/y", locale=LOCALE)


def padded_date(day: date) -> str:
    """"29/09/2025"."""
    return format_date(day, "dd/MM/y", locale=LOCALE)


def moment(at: datetime | str) -> str:
    """"23:59 15/11/2026" in the time the timestamp is written with (the index writes local time)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return format_datetime(at, "HH:mm dd/MM/y", locale=LOCALE)


def local_day(at: datetime) -> str:
    """"05/11/2025": the date of an instant in Vietnam's time (a certificate ending 17:00 UTC ends at
    midnight there)."""
    return padded_date(at.astimezone(LOCAL_TZ).date())


def local_moment(at: datetime) -> str:
    """"08:15 05/11/2025" in Vietnam's time."""
    return moment(at.astimezone(LOCAL_TZ))


def long_moment(at: datetime | None) -> str:
    """"08 giờ 15 phút, ngày 05/11/2025" in Vietnam's time, as slips and letters write it."""
    if at is None:
        return DASH
    return format_datetime(at.astimezone(LOCAL_TZ), "HH 'giờ' mm 'phút, ngày' dd/MM/y", locale=LOCALE)


def money(amount: int) -> str:
    """"100.000 đồng"."""
    return f"{number(amount)} đồng"


def national_time(at: datetime | None) -> str | None:
    """Local time as `yyyyMMddHHmmss`, the national systems' convention (interop.md), or None."""
    return None if at is None else at.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def number_in_words(value: int) -> str:
    """"hai nghìn không trăm hai mươi sáu": an integer read out as documents write it (num2words below a
    thousand; above, the hundreds are always said, "không trăm", which num2words' Vietnamese drops)."""
    from num2words import num2words  # imported here: only the documents that spell numbers need it

    value = int(value)
    if value < 1000:
        return num2words(value, lang="vi")
    thousands, rest = divmod(value, 1000)
    head = f"{number_in_words(thousands)} nghìn"
    if rest == 0:
        return head
    if rest < 100:
        return f"{head} không trăm {'lẻ ' if rest < 10 else ''}{num2words(rest, lang='vi')}"
    return f"{head} {num2words(rest, lang='vi')}"


def date_in_words(day: date) -> str:
    """"ngày mười lăm, tháng tư, năm hai nghìn không trăm hai mươi sáu": a date of birth written in words, as
    civil-status extracts print it under the date in figures (the fourth month is "tư")."""
    month = "tư" if day.month == 4 else number_in_words(day.month)
    return f"ngày {number_in_words(day.day)}, tháng {month}, năm {number_in_words(day.year)}"
