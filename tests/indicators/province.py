"""A small but realistic province in the database, for the index pages and the weekly report.

Two weeks of October 2025 (no public holiday): the report week is Monday 13 to Sunday 19 October, the week
before it 6 to 12 October. Units in file order: the province, Sở Tài chính with its business registration
office, and three wards/communes (two offer electronic certified copies). Dossiers are drawn by a seeded
generator in every state the index distinguishes (resolved early, on time or late, in progress in time or
overdue, a supplement open or asked twice, refused at receipt, carried over from September, synced or
not, fee paid online or not), so every population of the rule set is non-trivial; the numbers themselves
come from the reference engine, never from this file.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from motcua.indicators.records import Authority, Procedure, Record, Unit
from motcua.interchange.importer import import_folder

from .builders import at, dossier, e_result, feedback, write_folder

WEEK = (date(2025, 10, 13), date(2025, 10, 19))
PREVIOUS_WEEK = (date(2025, 10, 6), date(2025, 10, 12))
D = WEEK[1]

PROVINCE = "19"
FINANCE, FINANCE_OFFICE = "19.STC", "19.STC.DKKD"
WARD_A, WARD_B, COMMUNE_C = "05443", "05710", "05800"
LISTED = (FINANCE, WARD_A, WARD_B, COMMUNE_C)

UNITS = (
    Unit(PROVINCE, "UBND tỉnh Thái Nguyên", "province", None, False),
    Unit(FINANCE, "Sở Tài chính", "department", PROVINCE, False),
    Unit(FINANCE_OFFICE, "Phòng Đăng ký kinh doanh, Sở Tài chính", "office", FINANCE, False),
    Unit(WARD_A, "UBND phường Phan Đình Phùng", "commune", PROVINCE, True),
    Unit(WARD_B, "UBND phường Linh Sơn", "commune", PROVINCE, False),
    Unit(COMMUNE_C, "UBND xã Tân Cương", "commune", PROVINCE, True),
)


def _procedure(code, name, field, level, fee, online, eligible, decided, effective, published, complete, integrated,
               limit=3):
    return Procedure(code=code, name=name, field=field, level=level, time_limit=Decimal(limit),
                     time_unit="working_days", fee_vnd=fee, written_result=True, online_level=online,
                     full_online_eligible=eligible, for_citizens=True, decision_date=decided,
                     legal_effective_date=effective, published_at=published, parts_complete=complete,
                     fee_integrated=integrated)


PROCEDURES = (
    _procedure("2.000046", "Đăng ký thành lập hộ kinh doanh", "Đăng ký kinh doanh", "province", 100000, "full", True,
               date(2025, 10, 1), date(2025, 10, 15), date(2025, 10, 3), True, True),
    _procedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "commune", 0, "full", True,
               date(2025, 10, 8), date(2025, 10, 10), date(2025, 10, 20), False, False, limit=1),
    _procedure("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "commune", 2000, "partial", False,
               date(2025, 9, 1), date(2025, 10, 1), date(2025, 9, 3), True, True, limit=1),
    _procedure("1.000656", "Thủ tục đăng ký kết hôn", "Hộ tịch", "commune", 0, "none", False,
               date(2025, 10, 14), date(2025, 11, 1), None, True, False, limit=5),
)
AUTHORITY = ((FINANCE_OFFICE, "2.000046"),
             *((c, p) for c in (WARD_A, WARD_B, COMMUNE_C) for p in ("1.001193", "2.000815", "1.000656")))


def _dossiers():
    rnd = random.Random(766)
    found, sequence = [], {}
    workers = (FINANCE_OFFICE, FINANCE_OFFICE, WARD_A, WARD_A, WARD_B, COMMUNE_C)
    for i in range(90):
        unit_code = rnd.choice(workers)
        procedure = "2.000046" if unit_code == FINANCE_OFFICE else rnd.choice(("1.001193", "2.000815", "1.000656"))
        if i % 9 == 0:  # carried over from late September
            received = at(20 + rnd.randrange(10), 9, rnd.randrange(60), month=9)
        else:
            received = at(1 + rnd.randrange(19), 8 + rnd.randrange(8), rnd.randrange(60))
        due = received + timedelta(days=rnd.choice((1, 2, 3, 5)), hours=rnd.randrange(4))
        outcome = rnd.random()
        resolved = None
        if outcome < 0.45:
            resolved = due - timedelta(hours=rnd.randrange(1, 20))  # early or on time
        elif outcome < 0.6:
            resolved = due + timedelta(hours=rnd.randrange(2, 60))  # late
        resolved = resolved if resolved is None or resolved > received else received + timedelta(hours=1)
        supplements = ()
        if rnd.random() < 0.15:
            asked = received + timedelta(hours=3)
            supplements = ((asked, asked + timedelta(days=1) if rnd.random() < 0.5 else None),)
            if rnd.random() < 0.3:
                supplements += ((asked + timedelta(days=2), None),)
        refused = rnd.random() < 0.05
        fee = 100000 if procedure == "2.000046" else 2000 if procedure == "2.000815" and rnd.random() < 0.8 else 0
        key = (unit_code, received.date())
        sequence[key] = sequence.get(key, 0) + 1
        code = f"{unit_code}-{received:%y%m%d}-{sequence[key]:04d}"
        found.append(dossier(
            code, procedure, unit_code, received=received, due=due,
            channel="online" if rnd.random() < 0.6 else "in_person", full_online=rnd.random() < 0.4,
            supplements=supplements, resolved_at=None if refused else resolved,
            returned_at=None if refused or resolved is None else resolved + timedelta(hours=2),
            ended="refused" if refused else None, ended_at=received + timedelta(minutes=5) if refused else None,
            synced_at=received + timedelta(hours=rnd.randrange(1, 48)) if rnd.random() < 0.85 else None,
            fee_vnd=fee, paid_online_at=received + timedelta(hours=1) if fee and rnd.random() < 0.7 else None,
            digitized=rnd.random() < 0.8,
            e_result=e_result(resolved, f"KQ-{i}") if resolved and not refused and rnd.random() < 0.7 else None,
            reused_data=rnd.random() < 0.6, from_data_store=rnd.random() < 0.3, citizen_data=rnd.random() < 0.5,
            rating=rnd.choice((None, "satisfied", "satisfied", "unsatisfied")), complaint=rnd.random() < 0.05))
    return found


FEEDBACK = (
    feedback("PAKN-01", WARD_A, at(6, 9), answered_at=at(10, 15), rating="satisfied"),
    feedback("PAKN-02", FINANCE_OFFICE, at(15, 9, month=9)),  # never handled: late
    feedback("PAKN-03", WARD_B, at(14, 10), refused_at=at(20, 10)),  # refused too late
    feedback("PAKN-04", COMMUNE_C, at(16, 8), raised_again=True),  # still in time
    feedback("PAKN-05", WARD_A, at(2, 8), answered_at=at(3, 9)),  # handled before both weeks
    feedback("PAKN-06", FINANCE, at(13, 14), answered_at=at(17, 16), rating="unsatisfied"),
)


def province_record() -> Record:
    return Record(units=UNITS, procedures=PROCEDURES,
                  authority=tuple(Authority(u, p) for u, p in AUTHORITY),
                  dossiers=tuple(_dossiers()), feedback=FEEDBACK)


def import_province(folder) -> Record:
    """Write the province as an exchange folder and import it; returns the record."""
    record = province_record()
    import_folder(write_folder(folder, record))
    return record
