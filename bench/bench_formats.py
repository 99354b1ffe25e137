"""Cost of one Vietnamese number, percentage and date (motcua/lib/vnformat.py, Babel's 'vi' data) and of one
upload's file-type check (motcua/lib/filetypes.py, puremagic): microseconds per call, best of 5 runs.

    .venv/bin/python bench/bench_formats.py
"""

import os
import timeit
from datetime import UTC, date, datetime
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

from motcua.lib import filetypes, vnformat  # noqa: E402

AT = datetime(2026, 11, 25, 3, 4, tzinfo=UTC)
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * (filetypes.HEAD_BYTES - 16)
CASES = {
    "number(1234567.891, 2)": lambda: vnformat.number(1234567.891, 2),
    "percent(0.9649)": lambda: vnformat.percent(0.9649),
    "money(Decimal(1234567))": lambda: vnformat.money(Decimal(1234567)),
    "padded_date(date)": lambda: vnformat.padded_date(date(2026, 11, 25)),
    "local_moment(datetime)": lambda: vnformat.local_moment(AT),
    "filetypes.sniff(PDF head)": lambda: filetypes.sniff(PDF_HEAD),
}

if __name__ == "__main__":
    for name, call in CASES.items():
        runs = timeit.repeat(call, number=5000, repeat=5)
        print(f"{name:28s} {min(runs) / 5000 * 1e6:8.1f} µs")
