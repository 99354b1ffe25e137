"""The demo's dossiers and feedback: a realistic, reproducible exchange-format folder.

`generate(folder, n, seed, start, end)` writes units.csv, procedures.csv, authority.csv (the reference of
`motcua.demo.reference`), dossiers.jsonl and feedback.jsonl. The same (n, seed, start, end) gives
byte-identical files: all randomness comes from `random.Random` instances seeded here, every collection
is walked in a fixed order, and the horizon `until` (the moment "now" of the data, `end` at 17:00) comes
from the arguments, never from the clock. Lines are streamed day by day, so ten million dossiers need
no more memory than one day of them.

The proportions imitate the published figures of Thái Nguyên (seed 002, Appendix I, week of 29/9/2025):
about 87% online, 95% on time, 85% of fee-bearing dossiers paid online, 84% e-results, 80% digitised,
87% reuse; the 45-day campaign (seed 001, 30/10–13/12/2025) lifts the online share above 92%; late
dossiers concentrate in the units of Appendix II.

Times are handled as integer seconds of local wall time (UTC+07:00, no DST since 1975) and written
with a `+07:00` offset; the working-time arithmetic is `motcua.lib.workingtime`'s.
"""

import bisect
import csv
import json
import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from motcua.demo import reference as ref
from motcua.lib import lateness
from motcua.lib.workingtime import LOCAL_TZ, WorkingCalendar, compute_due

CAMPAIGN = (date(2025, 10, 30), date(2025, 12, 13))  # seed 001: the 45-day peak campaign
FEEDBACK_PER_DOSSIERS = 400
CLOSE_OF_BUSINESS = time(17, 0)

# Seed 002, Appendix II: units with dossiers overdue in the week 22–29/9/2025, and our late rate for each.
# Matched against the generated units by name (case-insensitive); a name the units lack is skipped.
APPENDIX_II_LATE_RATES = {
    "Sở Tài chính": 0.40,  # 49 overdue: by far the most
    "Sở Nông nghiệp và Môi trường": 0.06,
    "UBND phường Vạn Xuân": 0.15,  # 7
    "UBND phường Phúc Thuận": 0.08,
    "UBND phường Trung Thành": 0.08,
    "UBND phường Bá Xuyên": 0.08,
    "UBND xã Điềm Thụy": 0.10,  # 2
    "UBND xã Tân Khánh": 0.08,
    "UBND xã Dân Tiến": 0.08,
    "UBND xã Tân Cương": 0.08,
    "UBND xã Cường Lợi": 0.08,
    "UBND xã Tân Thành": 0.08,
    "UBND xã An Khánh": 0.08,
    "UBND xã Trại Cau": 0.10,  # 2
    "UBND xã La Hiên": 0.08,
    "UBND xã Thượng Minh": 0.08,
    "UBND xã Đại Từ": 0.08,
}
DEFAULT_LATE_RATE = 0.025

# Share of all dossiers per (level, field), in percent; a field not listed gets DEFAULT_FIELD_VOLUME.
# Certified copies, civil status and land dominate the one-stop desks.
FIELD_VOLUME = {
    ("commune", "Chứng thực"): 35.0,
    ("commune", "Hộ tịch"): 22.0,
    ("province", "Đất đai"): 9.0,
    ("commune", "Đất đai"): 5.0,
    ("province", "Đăng ký biện pháp bảo đảm"): 4.0,
    ("commune", "Thành lập và hoạt động của hộ kinh doanh"): 4.0,
    ("commune", "Bảo trợ xã hội"): 4.0,
    ("province", "Lý lịch tư pháp"): 3.0,
    ("province", "Thành lập và hoạt động doanh nghiệp"): 2.5,
    ("province", "Việc làm"): 2.5,
    ("province", "Đường bộ"): 3.0,  # driving licences
    ("commune", "Người có công"): 1.5,
    ("commune", "Hoạt động xây dựng"): 1.5,
}
DEFAULT_FIELD_VOLUME = 0.4
# Within a field, some procedures are everyday services and some are rare (by words of their name).
NAME_VOLUME = (
    ("lưu động", 0.05), ("nước ngoài", 0.25), ("tranh chấp", 0.2), ("hòa giải", 0.3), ("bản sao", 3.0),
    ("khai sinh", 2.0), ("đăng ký lại", 0.3), ("biến động", 2.0), ("cấp đổi", 1.5),
)

# Hour-of-day weights of online submissions (the portal never closes) and of feedback.
ONLINE_HOURS = (0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 8, 8, 7, 4, 4, 7, 8, 8, 6, 3.5, 3, 3, 2.5, 1.5, 0.7)
WEEKDAY_VOLUME = (1.15, 1.05, 1.0, 1.0, 0.95, 0.5, 0.5)  # Mon..Sun on working days (swapped Saturdays)
NON_WORKING_DAY_VOLUME = 0.06  # weekends and holidays: online submissions only

_SECOND = timedelta(seconds=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=LOCAL_TZ)
_HOUR = 3600
_WORKDAY = 8 * _HOUR
_MORNING = (7 * _HOUR, 11 * _HOUR + 1800)
_AFTERNOON = (13 * _HOUR + 1800, 17 * _HOUR)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _dt(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def _sec(moment: datetime) -> int:
    return (moment - _EPOCH) // _SECOND


class _Clock:
    """Local seconds → ISO 8601 text, with each date and each time of day formatted once."""

    def __init__(self):
        self._days: dict[int, str] = {}
        self._times = [f"T{h:02d}:{m:02d}:{s:02d}+07:00" for h in range(24) for m in range(60) for s in range(60)]

    def text(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (_EPOCH.date() + timedelta(days=day)).isoformat()
        return prefix + self._times[rest]


@dataclass
class _Procedure:
    code: str
    field: str
    level: str
    time_limit: Decimal
    time_unit: str
    fee: int
    written: bool
    online: bool  # online_level partial or full
    full_online_eligible: bool
    for_citizens: bool
    cutoff: time | None
    units: tuple[str, ...]  # competent units (departments) of a province-level procedure


class _Cumulative:
    """Weighted choice by bisection over cumulative weights (fixed order, so reproducible)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative, total = [], 0.0
        for w in weights:
            total += w
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng):
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]  # r * total may round up to total


def online_share(day: date) -> float:
    """Probability that a working-day dossier is filed online: rising through 2025, ≥ 92% in the campaign."""
    if day < CAMPAIGN[0]:
        progress = (day - date(2025, 1, 1)).days / (CAMPAIGN[0] - date(2025, 1, 1)).days
        return 0.74 + 0.12 * max(0.0, min(1.0, progress))
    if day <= CAMPAIGN[1]:
        return 0.955
    progress = min(1.0, (day - CAMPAIGN[1]).days / 365)
    return 0.895 + 0.03 * progress


class _Model:
    """Everything decided once from the reference: procedure mix, unit sizes, late rates."""

    def __init__(self, reference: ref.Reference, seed: int):
        shape = random.Random(f"motcua-demo-shape-{seed}")
        by_procedure: dict[str, list[str]] = {}
        for unit_code, procedure_code in reference.authority:
            by_procedure.setdefault(procedure_code, []).append(unit_code)
        department_codes = {d.code for d in reference.departments}
        self.procedures: list[_Procedure] = []
        shares = []
        for row in reference.procedures:
            if row["level"] == "province":
                units = tuple(u for u in by_procedure.get(row["code"], ()) if u in department_codes)
                if not units:
                    continue  # no department decides it: no dossier can be filed
            else:
                units = ()
            field = row["field"]
            name = _norm(row["name"])
            share = math.exp(shape.gauss(0, 0.4))
            for word, factor in NAME_VOLUME:
                if word in name:
                    share *= factor
            shares.append(share)
            self.procedures.append(_Procedure(
                code=row["code"], field=field, level=row["level"], time_limit=Decimal(row["time_limit"]),
                time_unit=row["time_unit"], fee=int(row["fee_vnd"]), written=row["written_result"] == "1",
                online=row["online_level"] in ("partial", "full"),
                full_online_eligible=row["full_online_eligible"] == "1", for_citizens=row["for_citizens"] == "1",
                cutoff=ref.SAME_DAY_CUTOFF if field == ref.CERTIFIED_COPY_FIELD else None, units=units))
        if not self.procedures:
            raise ValueError("the reference has no procedure that any unit may decide")
        # A field's volume is split among its procedures in proportion to their shares.
        field_total: dict[tuple[str, str], float] = {}
        for procedure, share in zip(self.procedures, shares, strict=True):
            key = (procedure.level, procedure.field)
            field_total[key] = field_total.get(key, 0.0) + share
        weights = [FIELD_VOLUME.get((p.level, p.field), DEFAULT_FIELD_VOLUME) * share / field_total[(p.level, p.field)]
                   for p, share in zip(self.procedures, shares, strict=True)]
        self.any_procedure = _Cumulative(self.procedures, weights)
        online = [(p, w) for p, w in zip(self.procedures, weights, strict=True) if p.online]
        self.online_procedure = _Cumulative([p for p, _ in online], [w for _, w in online]) if online else None

        # Commune sizes: wards are bigger; a fixed lognormal spread per commune code.
        self.communes = [c.code for c in reference.communes]
        sizes = []
        for commune in reference.communes:
            r = random.Random(f"motcua-demo-commune-{commune.code}")
            sizes.append((2.2 if commune.is_ward else 1.0) * math.exp(r.gauss(0, 0.45)))
        self.commune = _Cumulative(self.communes, sizes)

        # Appendix II names departments by their short name ("Sở Tài chính") and communes as "UBND xã …".
        names = {_norm(name): rate for name, rate in APPENDIX_II_LATE_RATES.items()}
        aliases = {d.code: d.short_name for d in reference.departments}
        self.late_rate = {}
        for u in reference.units:
            rate = names.get(_norm(u["name"]), names.get(_norm(aliases.get(u["code"], "")), DEFAULT_LATE_RATE))
            self.late_rate[u["code"]] = rate


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` over the weights by cumulative rounding: exact sum, no randomness."""
    counts, acc, done = [], 0.0, 0
    whole = sum(weights)
    for w in weights:
        acc += w
        upto = round(total * acc / whole) if whole else 0
        counts.append(upto - done)
        done = upto
    return counts


def local_today() -> date:
    """Today in Thái Nguyên (Asia/Ho_Chi_Minh), whatever the machine's time zone."""
    return datetime.now(LOCAL_TZ).date()


def generate(folder, n: int = 200_000, seed: int = 766, start: date = date(2025, 1, 1), end: date | None = None,
             reference: ref.Reference | None = None, progress: Callable[[int], None] | None = None) -> dict:
    """Write a demo exchange-format folder; return the counts written."""
    end = end or local_today()
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    reference = reference or ref.build_reference()
    ref.write_reference(folder, reference)
    return _Generator(reference, n, seed, start, end).write(folder, progress)


class _Generator:
    def __init__(self, reference, n, seed, start, end):
        self.rng = random.Random(seed)
        self.model = _Model(reference, seed)
        self.calendar = WorkingCalendar(first_year=min(2024, start.year), last_year=max(2030, end.year + 1))
        self.clock = _Clock()
        self.n, self.start, self.end = n, start, end
        self.until = _sec(datetime.combine(end, CLOSE_OF_BUSINESS, LOCAL_TZ))
        self.online_hours = _Cumulative(range(24), ONLINE_HOURS)
        self.early_online_hours = _Cumulative(range(17), ONLINE_HOURS[:17])  # the last day stops at 17:00

    # -- the plan: how many dossiers each day --------------------------------------------------------

    def _days(self):
        days, weights = [], []
        span = max(1, (self.end - self.start).days)
        day = self.start
        while day <= self.end:
            growth = 1.0 + 0.15 * (day - self.start).days / span
            campaign = 1.1 if CAMPAIGN[0] <= day <= CAMPAIGN[1] else 1.0
            working = self.calendar.is_working_day(day)
            weight = (WEEKDAY_VOLUME[day.weekday()] if working else NON_WORKING_DAY_VOLUME) * growth * campaign
            days.append((day, working))
            weights.append(weight)
            day += timedelta(days=1)
        return days, weights

    def write(self, folder: Path, progress) -> dict:
        days, weights = self._days()
        dossier_counts = _allocate(self.n, weights)
        feedback_counts = _allocate(round(self.n / FEEDBACK_PER_DOSSIERS), weights)
        written = {"dossiers": 0, "feedback": 0}
        feedback_sequence: dict[int, int] = {}
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        with (folder / "dossiers.jsonl").open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as dossiers, \
                (folder / "feedback.jsonl").open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as feedback:
            for (day, working), count, fb_count in zip(days, dossier_counts, feedback_counts, strict=True):
                batch = [self._dossier(day, working) for _ in range(count)]
                batch.sort(key=lambda item: item[0])  # by receipt time; ties keep generation order
                sequence: dict[str, int] = {}
                lines = []
                for _received, received_by, obj in batch:
                    number = sequence.get(received_by, 0) + 1
                    sequence[received_by] = number
                    code = f"{received_by}-{day:%y%m%d}-{number:04d}"
                    obj["code"] = code
                    if obj["e_result"] is not None:
                        obj["e_result"]["code"] = f"KQ.{code}"
                    lines.append(dumps(obj))
                if lines:
                    dossiers.write("\n".join(lines) + "\n")
                written["dossiers"] += len(lines)
                items = sorted((self._feedback(day, batch) for _ in range(fb_count)), key=lambda item: item[0])
                for _received, obj in items:
                    number = feedback_sequence.get(day.year, 0) + 1
                    feedback_sequence[day.year] = number
                    obj["code"] = f"PAKN-{day.year}-{number:05d}"
                    feedback.write(dumps(obj) + "\n")
                written["feedback"] += len(items)
                if progress and lines:
                    progress(len(lines))
        return written

    # -- one dossier ---------------------------------------------------------------------------------

    def _receipt_time(self, day: date, in_session: bool) -> int:
        rng = self.rng
        base = (day - _EPOCH.date()).days * 86400
        if in_session:
            a, b = _MORNING if rng.random() < 0.6 else _AFTERNOON
            return base + rng.randrange(a, b)
        hours = self.early_online_hours if day == self.end else self.online_hours
        return base + hours.pick(rng) * _HOUR + rng.randrange(_HOUR)

    def _dossier(self, day: date, working: bool):
        rng, model, cal, until, text = self.rng, self.model, self.calendar, self.until, self.clock.text
        if not working or rng.random() < online_share(day):
            channel = "online"
        else:
            channel = "postal" if rng.random() < 0.04 else "in_person"
        if channel == "online" and model.online_procedure is not None:
            procedure = model.online_procedure.pick(rng)
        else:
            procedure = model.any_procedure.pick(rng)
            if channel == "online":
                channel = "in_person"
        if procedure.level == "province":
            units = procedure.units
            unit = units[0] if len(units) == 1 else units[rng.randrange(len(units))]
            received_by = unit
        else:
            unit = received_by = model.commune.pick(rng)
            if rng.random() < 0.08:  # "không phụ thuộc địa giới hành chính": filed at another commune's desk
                received_by = model.commune.pick(rng)
        online = channel == "online"
        received = self._receipt_time(day, not online)
        received_dt = _dt(received)
        reduction = ref.ONLINE_REDUCTIONS.get(day.year, 0) if online else 0
        due_dt = compute_due(cal, received_dt, procedure.time_limit, procedure.time_unit, reduction, procedure.cutoff)
        due = _sec(due_dt)
        allowed = max(600, cal.working_time_between(received_dt, due_dt) // _SECOND)

        supplements, fee_waits = [], []
        resolved = returned = ended_at = None
        ended = None
        late = False
        outcome = rng.random()
        if outcome < 0.01:
            ended, ended_at = "refused", min(until, received + rng.randrange(300, 5400))
        elif outcome < 0.015:
            ended, ended_at = "withdrawn", self._after(received_dt, int(allowed * rng.uniform(0.05, 0.8)))
        elif outcome < 0.018:
            ended, ended_at = "stopped", self._after(received_dt, int(allowed * rng.uniform(0.3, 0.95)))
        else:
            late = rng.random() < model.late_rate[unit]
            if late:
                work = allowed + int(allowed * rng.expovariate(1 / 0.3)) + rng.randrange(1800, 3 * _WORKDAY)
                if rng.random() < 0.1:  # stuck for weeks: these make the "overdue, still in progress" list
                    work += int(allowed * rng.uniform(1, 4)) + rng.randrange(_WORKDAY, 30 * _WORKDAY)
            else:
                work = max(60, int(allowed * (0.08 + 0.92 * rng.random() ** 1.6)))
            pauses = []  # (kind, offset in processing working time, calendar length, never completed)
            p = rng.random()
            if p < 0.05:
                pauses.append(("supplement", int(work * rng.uniform(0.05, 0.5)),
                               rng.randrange(86400, 10 * 86400), rng.random() < 0.03))
                if rng.random() < 0.04:  # a second supplement request: late by rule
                    pauses.append(("supplement", int(work * rng.uniform(0.55, 0.9)),
                                   rng.randrange(86400, 7 * 86400), False))
            elif p < 0.08:
                pauses.append(("fee_wait", int(work * rng.uniform(0.2, 0.9)), rng.randrange(3600, 5 * 86400), False))
            paused, is_open = 0, False
            for kind, offset, length, abandoned in pauses:
                requested_dt = cal.add_working_time(received_dt, timedelta(seconds=offset + paused))
                requested = _sec(requested_dt)
                if requested > until:
                    break
                completed = requested + length
                target = supplements if kind == "supplement" else fee_waits
                if abandoned or completed > until:
                    target.append({"requested_at": text(requested), "completed_at": None})
                    is_open = True
                    break
                target.append({"requested_at": text(requested), "completed_at": text(completed)})
                paused += cal.working_time_between(requested_dt, _dt(completed)) // _SECOND
            if not is_open:
                resolved = self._after(received_dt, work + paused)
                if resolved > until:
                    resolved = None
            if resolved is not None and rng.random() < 0.97:
                if online:
                    returned = resolved + rng.randrange(60, 4 * _HOUR)
                else:
                    returned = self._after(_dt(resolved), rng.randrange(600, 3 * _WORKDAY))
                if returned > until:
                    returned = None

        refused = ended == "refused"
        synced = None
        if rng.random() < 0.915:
            r = rng.random()
            delay = (rng.randrange(60, 1800) if r < 0.6 else rng.randrange(_HOUR, 86400) if r < 0.9
                     else rng.randrange(86400, 10 * 86400))
            if received + delay <= until:
                synced = received + delay
        fee = procedure.fee if procedure.fee and rng.random() >= 0.06 else 0
        paid = None
        if fee and not refused and rng.random() < (0.91 if online else 0.42):
            paid = received + rng.randrange(60, 2700)
            if paid > until:
                paid = None
        digitized = rng.random() < (0.86 if online else 0.45)
        e_result = None
        if procedure.written and resolved is not None and rng.random() < 0.84:
            e_result = {"code": "", "issued_at": text(resolved)}
        rating = None
        if returned is not None and rng.random() < 0.6:
            rating = "unsatisfied" if rng.random() < (0.15 if late else 0.025) else "satisfied"
        obj = {
            "code": "",
            "procedure": procedure.code,
            "unit": unit,
            "received_by": received_by,
            "channel": channel,
            "full_online": online and procedure.full_online_eligible and rng.random() < 0.7,
            "received_at": text(received),
            "due_at": text(due),
            "supplements": supplements,
            "fee_waits": fee_waits,
            "resolved_at": None if resolved is None else text(resolved),
            "returned_at": None if returned is None else text(returned),
            "ended": ended,
            "ended_at": None if ended_at is None else text(ended_at),
            "synced_at": None if synced is None else text(synced),
            "fee_vnd": fee,
            "paid_online_at": None if paid is None else text(paid),
            "digitized": digitized,
            "e_result": e_result,
            "reused_data": rng.random() < 0.87,
            "from_data_store": rng.random() < 0.6,
            "result_to_data_store": e_result is not None and rng.random() < 0.72,
            "citizen_data": procedure.for_citizens and rng.random() < 0.7,
            "rating": rating,
            "complaint": rng.random() < (0.01 if late else 0.001),
        }
        if ended is not None and ended_at > until:  # withdrawn or stopped after the horizon: not yet
            obj["ended"] = obj["ended_at"] = None
        return received, received_by, obj

    def _after(self, start: datetime, working_seconds: int) -> int:
        return _sec(self.calendar.add_working_time(start, timedelta(seconds=working_seconds)))

    # -- one feedback item ---------------------------------------------------------------------------

    def _feedback(self, day: date, batch):
        rng, until, text = self.rng, self.until, self.clock.text
        if batch:
            unit = batch[rng.randrange(len(batch))][2]["unit"]
        else:
            unit = self.model.commune.pick(rng)
        received = self._receipt_time(day, False)
        received_dt = _dt(received)
        refused = answered = published = None
        r = rng.random()
        if r < 0.02:
            refused = self._after(received_dt, rng.randrange(_HOUR, 2 * _WORKDAY))
        else:
            days = rng.uniform(16, 25) if r < 0.035 else rng.uniform(1, 14)
            answered = self._after(received_dt, int(days * _WORKDAY))
            published = self._after(_dt(answered), rng.randrange(600, 2 * _WORKDAY))
        if refused is not None and refused > until:
            refused = None
        if answered is not None and answered > until:
            answered = published = None
        if published is not None and published > until:
            published = None
        rating = None
        if published is not None and rng.random() < 0.6:
            rating = "unsatisfied" if rng.random() < 0.02 else "satisfied"
        obj = {
            "code": "",
            "unit": unit,
            "received_at": text(received),
            "refused_at": None if refused is None else text(refused),
            "answered_at": None if answered is None else text(answered),
            "published_at": None if published is None else text(published),
            "rating": rating,
            "raised_again": answered is not None and rng.random() < 0.01,
        }
        return received, obj



def measure(folder, until: datetime, calendar: WorkingCalendar | None = None) -> dict:
    """Headline proportions of a generated folder as of `until` (for the benchmark, the demo and tests).

    Lateness is the one definition (`motcua.lib.lateness`). Refused dossiers count only in the sync rate,
    as in indicator 1.4.
    """
    calendar = calendar or WorkingCalendar()
    keys = ("dossiers", "refused", "online", "campaign", "campaign_online", "synced", "counted", "late",
            "in_progress", "overdue", "withdrawn", "stopped", "supplement", "fee_wait", "fee", "paid_online",
            "written_resolved", "e_result", "digitized", "reused", "returned", "rated", "satisfied")
    totals = dict.fromkeys(keys, 0)
    by_unit: dict[str, list[int]] = {}
    written = set()
    with (Path(folder) / "procedures.csv").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
        for row in csv.reader(handle):
            if row[header.index("written_result")] == "1":
                written.add(row[0])
    with (Path(folder) / "dossiers.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            totals["dossiers"] += 1
            online = d["channel"] == "online"
            totals["online"] += online
            if CAMPAIGN[0].isoformat() <= d["received_at"][:10] <= CAMPAIGN[1].isoformat():
                totals["campaign"] += 1
                totals["campaign_online"] += online
            totals["synced"] += d["synced_at"] is not None
            if d["ended"] == "refused":
                totals["refused"] += 1
                continue
            late = _late(d, until, calendar)
            ended = any(d[k] is not None for k in ("resolved_at", "returned_at", "ended_at"))
            totals["counted"] += 1
            totals["late"] += late
            if not ended:
                totals["in_progress"] += 1
                totals["overdue"] += late
            totals["withdrawn"] += d["ended"] == "withdrawn"
            totals["stopped"] += d["ended"] == "stopped"
            totals["supplement"] += bool(d["supplements"])
            totals["fee_wait"] += bool(d["fee_waits"])
            if d["fee_vnd"] > 0:
                totals["fee"] += 1
                totals["paid_online"] += d["paid_online_at"] is not None
            if d["resolved_at"] is not None and d["procedure"] in written:
                totals["written_resolved"] += 1
                totals["e_result"] += d["e_result"] is not None
            totals["digitized"] += d["digitized"]
            totals["reused"] += d["reused_data"]
            if d["returned_at"] is not None:
                totals["returned"] += 1
                totals["rated"] += d["rating"] is not None
                totals["satisfied"] += d["rating"] == "satisfied"
            pair = by_unit.setdefault(d["unit"], [0, 0])
            pair[0] += 1
            pair[1] += late
    t = totals
    rates = {
        "online": t["online"] / max(1, t["dossiers"]),
        "campaign_online": t["campaign_online"] / max(1, t["campaign"]),
        "synced": t["synced"] / max(1, t["dossiers"]),
        "refused": t["refused"] / max(1, t["dossiers"]),
        "on_time": 1 - t["late"] / max(1, t["counted"]),
        "paid_online": t["paid_online"] / max(1, t["fee"]),
        "e_result": t["e_result"] / max(1, t["written_resolved"]),
        "digitized": t["digitized"] / max(1, t["counted"]),
        "reused": t["reused"] / max(1, t["counted"]),
        "supplement": t["supplement"] / max(1, t["counted"]),
        "fee_wait": t["fee_wait"] / max(1, t["counted"]),
        "rated": t["rated"] / max(1, t["returned"]),
        "satisfied": t["satisfied"] / max(1, t["rated"]),
    }
    return {"totals": totals, "rates": rates, "by_unit": by_unit}


def _late(d: dict, until: datetime, calendar: WorkingCalendar) -> bool:
    """The one definition of late (`motcua.lib.lateness`) over a generated line."""
    parse = datetime.fromisoformat

    def requests(key):
        return [(parse(r["requested_at"]), None if r["completed_at"] is None else parse(r["completed_at"]))
                for r in d[key]]

    ends = [parse(d[k]) for k in ("resolved_at", "returned_at", "ended_at") if d[k] is not None]
    return lateness.is_late(parse(d["due_at"]), requests("supplements"), requests("fee_waits"),
                            min(ends) if ends else None, until, calendar)
