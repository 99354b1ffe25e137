"""Numbers written the Vietnamese way, as the province's tables print them."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.lib import vnformat


@pytest.mark.parametrize("value, places, sign, expected", [
    (177530, 0, False, "177.530"),
    (1234567.891, 2, False, "1.234.567,89"),
    (19.298, 2, False, "19,30"),
    (0.125, 2, False, "0,13"),  # half up, not banker's rounding
    (Decimal("0.05"), 2, True, "+0,05"),
    (Decimal("-0.05"), 2, True, "-0,05"),
    (Decimal("-0.001"), 2, True, "0,00"),  # never "-0,00"
    (0, 2, True, "0,00"),
    (Fraction(2, 3), 4, False, "0,6667"),
    (None, 2, False, "—"),
])
def test_numbers(value, places, sign, expected):
    assert vnformat.number(value, places, sign) == expected


def test_rates_and_their_changes_as_percentages():
    assert vnformat.percent(0.9649) == "96,49%"
    assert vnformat.percent(1.0) == "100,00%"
    assert vnformat.percent(Decimal("0.0172"), sign=True) == "+1,72%"
    assert vnformat.percent(Decimal("-0.0005"), sign=True) == "-0,05%"
    assert vnformat.percent(None) == "—"


def test_dates_and_moments():
    assert vnformat.short_date(date(2025, 9, 29)) == "29/9/2025"
    assert vnformat.padded_date(date(2025, 9, 2)) == "02/09/2025"
    assert vnformat.moment("2025-09-29T23:59:59.999999+07:00") == "23:59 29/09/2025"


def test_instants_are_written_in_vietnams_time_whatever_their_offset():
    from datetime import UTC, datetime

    from motcua.lib.vnformat import local_day, local_moment, long_moment, money

    utc = datetime(2025, 11, 4, 17, 30, tzinfo=UTC)  # 00:30 on the 5th in Hà Nội
    assert local_day(utc) == "05/11/2025"
    assert local_moment(utc) == "00:30 05/11/2025"
    assert long_moment(utc) == "00 giờ 30 phút, ngày 05/11/2025"
    assert long_moment(None) == "—"
    assert money(1234567) == "1.234.567 đồng"


def test_the_conventions_the_province_s_tables_print():
    """Where CLDR's defaults for Vietnamese differ from the documents: decimals in percentages, four-digit
    years, "đồng" rather than "₫", and halves rounded up (not to even) in numbers and percentages alike."""
    assert vnformat.percent(Decimal("0.96485")) == "96,49%"
    assert vnformat.percent(Decimal("0.96475")) == "96,48%"
    assert vnformat.percent(Decimal("0.5")) == "50,00%" and vnformat.percent(2) == "200,00%"
    assert vnformat.percent(Decimal("-0.00004"), sign=True) == "0,00%"
    assert vnformat.percent(Decimal("0.123456"), places=1) == "12,3%"
    assert vnformat.number(Decimal("2.5")) == "3" and vnformat.number(Decimal("3.5")) == "4"
    assert vnformat.number(Decimal("-2.5")) == "-3"
    assert vnformat.number(-1234567) == "-1.234.567" and vnformat.number(999) == "999"
    assert vnformat.number(1000) == "1.000" and vnformat.number(12345678901) == "12.345.678.901"
    assert vnformat.number(Decimal("1234.5"), 1, True) == "+1.234,5"
    assert vnformat.money(0) == "0 đồng" and vnformat.money(-50000) == "-50.000 đồng"
    assert vnformat.short_date(date(2026, 11, 25)) == "25/11/2026"
    assert vnformat.short_date(date(2026, 1, 5)) == "5/1/2026" and vnformat.padded_date(date(2026, 1, 5)) == "05/01/2026"


def test_a_moment_keeps_the_offset_it_is_written_with():
    from datetime import datetime

    assert vnformat.moment("2026-11-25T07:05:00+02:00") == "07:05 25/11/2026"
    assert vnformat.moment(datetime(2026, 11, 25, 7, 5)) == "07:05 25/11/2026"  # naive: as written
    assert vnformat.long_moment(datetime.fromisoformat("2026-11-25T16:05:00-05:00")) == "04 giờ 05 phút, ngày 26/11/2026"
