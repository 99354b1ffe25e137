"""Due-time throughput: how many `compute_due` calls per second over random receipts in 2025–2026.

Importing millions of dossiers computes a missing `due_at` for each, so this must stay fast
(target: at least 100,000 per second). Run: python bench/bench_due.py [--n 300000] [--seed 1]
"""

import argparse
import random
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from motcua.lib.workingtime import LOCAL_TZ, WorkingCalendar, compute_due  # noqa: E402

# Realistic mix of limits: mostly whole working days, some hours, a few calendar days and same-day services.
LIMITS = [(1, "working_days"), (3, "working_days"), (5, "working_days"), (10, "working_days"),
          (15, "working_days"), (20, "working_days"), (0.5, "working_days"), (4, "working_hours"),
          (8, "working_hours"), (30, "calendar_days"), (0, "working_days")]  # fmt: skip
OFFSETS = [LOCAL_TZ, UTC, timezone(timedelta(hours=7))]


def make_receipts(n, seed):
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=LOCAL_TZ)
    span = int((datetime(2027, 1, 1, tzinfo=LOCAL_TZ) - start).total_seconds())
    receipts = []
    for _ in range(n):
        received = (start + timedelta(seconds=rng.randrange(span))).astimezone(rng.choice(OFFSETS))
        limit, unit = rng.choice(LIMITS)
        reduction = rng.choice((0, 0, 20, 30))  # about half of dossiers are online
        cutoff = time(15, 0) if limit == 0 else None
        receipts.append((received, limit, unit, reduction, cutoff))
    return receipts


def rate(label, n, seconds):
    print(f"{label:<24} {n:>9,} in {seconds:6.3f} s = {n / seconds:>11,.0f} /s")
    return n / seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000, help="number of random receipts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    t0 = clock.perf_counter()
    calendar = WorkingCalendar()
    print(f"build calendar 2024–2030: {(clock.perf_counter() - t0) * 1000:.0f} ms")
    receipts = make_receipts(args.n, args.seed)

    t0 = clock.perf_counter()
    dues = [compute_due(calendar, r, lim, unit, red, cut) for r, lim, unit, red, cut in receipts]
    due_rate = rate("compute_due", args.n, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    for (received, *_), due in zip(receipts, dues, strict=True):
        calendar.working_time_between(received, due)
    rate("working_time_between", args.n, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    for received, *_ in receipts:
        calendar.add_working_days(received, 5)  # a timestamp: its local date is used
    rate("add_working_days", args.n, clock.perf_counter() - t0)

    verdict = "OK" if due_rate >= 100_000 else "BELOW TARGET"
    print(f"target 100,000 compute_due/s: {verdict}")


if __name__ == "__main__":
    main()
