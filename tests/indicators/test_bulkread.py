"""Reading SQLite's datetime text in bulk gives the instants the ORM gives."""

from datetime import UTC, datetime

import numpy as np

from motcua.indicators.bulkread import NEVER, datetime_of, parse_sqlite_times, ticks_of


def test_fixed_width_and_microseconds_and_nulls():
    texts = ["2025-10-30 01:15:00", "2025-10-30 01:15:00.000001", "9999-12-31 00:00:00", "2026-01-01 16:59:59.999999"]
    for values in (texts, texts[:1] + texts[2:3], texts[1:2]):
        got = parse_sqlite_times(",".join(values).encode(), len(values))
        expected = [int(NEVER) if v.startswith("9999") else ticks_of(datetime.fromisoformat(v).replace(tzinfo=UTC))
                    for v in values]
        assert got.tolist() == expected


def test_ticks_round_trip():
    at = datetime(2025, 10, 30, 8, 15, 0, 123456, tzinfo=UTC)
    assert datetime_of(ticks_of(at)) == at
    assert datetime_of(int(NEVER)) is None and ticks_of(None) == NEVER
    empty = parse_sqlite_times(b"", 0)
    assert isinstance(empty, np.ndarray) and len(empty) == 0
