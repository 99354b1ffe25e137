"""Random provinces for checking the live engine against the reference, written as exchange folders.

Each seed draws a unit tree, procedures, authority rows, dossiers and feedback around the turn of 2025
(New Year's Day is a holiday), with the edge cases the semantics name: moments at session boundaries and
at midnight, microseconds, offsets other than +07:00, supplements open or completed (twice, overlapping
fee waits, completed at the request instant), refusals, withdrawals, stops, dossiers resolved before
their receipt (bad data the reader accepts), sync, payment and e-results before or after the period.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from motcua.indicators.records import Authority, Feedback, Procedure, Record, Unit

from .builders import dossier, e_result, write_folder

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = date(2025, 12, 1)
DAYS = 60  # to the end of January 2026
BOUNDARIES = (time(0, 0), time(6, 59, 59), time(7, 0), time(11, 29, 59, 999999), time(11, 30), time(12, 0),
              time(13, 30), time(16, 59, 59, 999999), time(17, 0), time(23, 59, 59, 999999))


def moment(rnd: random.Random, first: int = 0, span: int = DAYS) -> datetime:
    """A local instant in the window, often exactly on a boundary; sometimes written in UTC."""
    day = FIRST_DAY + timedelta(days=first + rnd.randrange(max(span, 1)))
    if rnd.random() < 0.4:
        at = datetime.combine(day, rnd.choice(BOUNDARIES), TZ)
    else:
        at = datetime.combine(day, time(rnd.randrange(24), rnd.randrange(60), rnd.randrange(60)), TZ)
        if rnd.random() < 0.2:
            at = at.replace(microsecond=rnd.randrange(1, 1_000_000))
    return at.astimezone(UTC) if rnd.random() < 0.2 else at


def later(rnd: random.Random, at: datetime, hours: int = 200) -> datetime:
    step = timedelta(hours=rnd.randrange(hours), minutes=rnd.choice([0, 0, 30, rnd.randrange(60)]))
    return at + step


def record(seed: int, dossiers: int = 60) -> Record:
    rnd = random.Random(seed)
    units = [Unit("T", "UBND tỉnh", "province", None, False)]
    for i in range(rnd.randint(1, 3)):
        units.append(Unit(f"D{i}", f"Sở {i}", "department", "T", False))
        if rnd.random() < 0.7:
            units.append(Unit(f"D{i}.P", f"Phòng của sở {i}", "office", f"D{i}", False))
    for i in range(rnd.randint(1, 3)):
        units.append(Unit(f"C{i}", f"Xã {i}", "commune", "T", rnd.random() < 0.5))
    rnd.shuffle(units)  # file order decides the listing, and a parent may come after its child
    workers = [u.code for u in units if u.kind != "province"]

    procedures = []
    for i in range(rnd.randint(1, 5)):
        # The database requires both catalog dates; the reference's handling of a missing one is tested
        # on records in test_compute.py.
        decided = FIRST_DAY + timedelta(days=rnd.randrange(-10, DAYS))
        procedures.append(Procedure(
            code=f"P{i}", name=f"Thủ tục {i}", field="Tư pháp", level=rnd.choice(["province", "commune"]),
            time_limit=Decimal(rnd.choice([0, 1, 3, "0.5"])),
            time_unit=rnd.choice(["working_days", "working_hours", "calendar_days"]),
            fee_vnd=rnd.choice([0, 0, 20000]), written_result=rnd.random() < 0.6,
            online_level=rnd.choice(["none", "partial", "full"]), full_online_eligible=rnd.random() < 0.5,
            for_citizens=rnd.random() < 0.7, decision_date=decided,
            legal_effective_date=decided + timedelta(days=rnd.randrange(-3, 15)),
            published_at=(decided + timedelta(days=rnd.randrange(0, 12))) if rnd.random() < 0.8 else None,
            parts_complete=rnd.random() < 0.7, fee_integrated=rnd.random() < 0.5))
    authority = sorted({(rnd.choice(workers), rnd.choice(procedures).code) for _ in range(rnd.randint(1, 8))})

    items = []
    for i in range(dossiers):
        received = moment(rnd, first=-20, span=DAYS + 20)
        due = later(rnd, received, 120) if rnd.random() < 0.9 else None
        supplements, fee_waits = [], []
        for kind in (supplements, fee_waits):
            for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])):
                asked = later(rnd, received, 100)
                done = rnd.choice([None, asked, later(rnd, asked, 60), later(rnd, asked, 60)])
                kind.append((asked, done))
        resolved = later(rnd, received, 300) if rnd.random() < 0.6 else None
        if resolved is not None and rnd.random() < 0.03:
            resolved = received - timedelta(hours=rnd.randrange(1, 72))  # bad data: resolved before receipt
        returned = later(rnd, resolved, 48) if resolved is not None and rnd.random() < 0.5 else None
        ended = rnd.choice([None] * 8 + ["refused", "withdrawn", "stopped"])
        ended_at = (received if ended == "refused" else later(rnd, received, 200)) if ended else None
        fee = rnd.choice([0, 0, 20000])
        issued = resolved or later(rnd, received, 300)
        items.append(dossier(
            f"X-{seed}-{i}", rnd.choice(procedures).code, rnd.choice(workers), received=received, due_at=due,
            received_by=rnd.choice(workers), channel=rnd.choice(["online", "online", "in_person", "postal"]),
            full_online=rnd.random() < 0.4, supplements=tuple(supplements), fee_waits=tuple(fee_waits),
            resolved_at=resolved, returned_at=returned, ended=ended, ended_at=ended_at,
            synced_at=later(rnd, received, 100) if rnd.random() < 0.8 else None, fee_vnd=fee,
            paid_online_at=later(rnd, received, 50) if fee and rnd.random() < 0.6 else None,
            digitized=rnd.random() < 0.7, e_result=e_result(issued, f"KQ-{i}") if rnd.random() < 0.5 else None,
            reused_data=rnd.random() < 0.5, from_data_store=rnd.random() < 0.3,
            result_to_data_store=rnd.random() < 0.3, citizen_data=rnd.random() < 0.5,
            rating=rnd.choice([None, "satisfied", "unsatisfied"]), complaint=rnd.random() < 0.1))

    feedback = []
    for i in range(rnd.randint(0, 8)):
        received = moment(rnd, first=-30, span=DAYS + 30)
        answered = later(rnd, received, 600) if rnd.random() < 0.5 else None
        refused = later(rnd, received, 120) if answered is None and rnd.random() < 0.3 else None
        feedback.append(Feedback(code=f"F-{seed}-{i}", unit=rnd.choice(workers), received_at=received,
                                 refused_at=refused, answered_at=answered, published_at=None,
                                 rating=rnd.choice([None, "satisfied", "unsatisfied"]),
                                 raised_again=rnd.random() < 0.2))
    return Record(units=tuple(units), procedures=tuple(procedures),
                  authority=tuple(Authority(u, p) for u, p in authority), dossiers=tuple(items),
                  feedback=tuple(feedback))


def periods(seed: int, count: int = 6) -> list[tuple[date, date, datetime]]:
    """Random (from, to, now): days, weeks, months, periods in the future of now, now inside a period."""
    rnd = random.Random(seed * 7919)
    found = []
    for _ in range(count):
        start = FIRST_DAY + timedelta(days=rnd.randrange(-25, DAYS + 5))
        end = start + timedelta(days=rnd.choice([0, 0, 6, 13, 30, rnd.randrange(60)]))
        now = moment(rnd, first=-10, span=DAYS + 40)
        found.append((start, end, now))
    return found


def folder(path: Path, seed: int, dossiers: int = 60) -> Path:
    return write_folder(path, record(seed, dossiers))
