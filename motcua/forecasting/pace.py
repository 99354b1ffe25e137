"""Early warning: open dossiers that will be late at their unit's usual pace, before they are late.

The method (docs/forecasting.md "Early warning"):

1. A dossier's path is cut into steps, each measured in working time on the calendar of the unit that
   holds it, with the supplement and fee-wait pauses taken out (the clock is stopped then):
   - `receive`: from receipt to the start of processing (the "start" event, when an officer is assigned);
   - `handover`: each line of the control sheet (`Handover`) at a unit other than the competent one
     (liên thông), from its receipt to its release, measured for the unit that held it;
   - `process`: from the start of processing (the receipt when there was no "start" event, as for
     imported dossiers) to the result (resolved), without the hand-over steps: the competent unit's own time;
   - `return`: from the result to its return. Shown for information only: lateness is judged at the end of
     processing (motcua/lib/lateness.py), so the return does not move a dossier's verdict.
2. The usual time of a step is a quantile (the 75th percentile by default) of that step's durations in
   the unit's steps finished over the last months (6 by default): per unit and procedure when there are at
   least `MIN_PROCEDURE_SAMPLES` of them, else per unit when there are at least `MIN_UNIT_SAMPLES`, else
   unknown (counted as 0: no warning is raised on a pace nobody has seen).
3. For an open dossier at its current step, the time still needed is the usual time of the current step
   minus the time already spent in it (never below 0), plus the usual time of each later step up to the
   result. The predicted end is now plus that working time, on the holding unit's calendar; the dossier is
   flagged when the predicted end is after its effective due (`office.clock.standing_of`, the one
   definition), and it is not already late and not paused.
4. The apology letter must be issued before the effective due (`office.actions.check_apology`), so the
   effective due is the apology deadline shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min, Q

from motcua.dossiers.constants import OPEN_STATUSES, Status
from motcua.dossiers.models import Dossier, DossierEvent, Handover
from motcua.lib import lateness
from motcua.office.clock import format_working_time, standing_of
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit

RECEIVE, HANDOVER, PROCESS, RETURN = "receive", "handover", "process", "return"
STEP_LABELS = {
    RECEIVE: "Tiếp nhận → bắt đầu xử lý",
    HANDOVER: "Liên thông (bước trên phiếu kiểm soát)",
    PROCESS: "Xử lý tại đơn vị giải quyết",
    RETURN: "Có kết quả → trả kết quả",
}
QUANTILE = 0.75
HISTORY_DAYS = 183  # about six months
MIN_PROCEDURE_SAMPLES = 10
MIN_UNIT_SAMPLES = 5


def quantile(values: Sequence[timedelta], q: float) -> timedelta:
    """The q-quantile by linear interpolation between order statistics (numpy's default, "linear")."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    below, above = math.floor(position), math.ceil(position)
    weight = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * weight


def net_working(calendar, start: datetime, end: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> timedelta:
    """Working time from start to end with the (merged) pause intervals taken out."""
    if end <= start:
        return timedelta(0)
    used = calendar.working_time_between(start, end)
    for p_start, p_stop in pauses:
        a, b = max(p_start, start), min(p_stop, end)
        if b > a:
            used -= calendar.working_time_between(a, b)
    return max(used, timedelta(0))


@dataclass(frozen=True)
class Segment:
    """One step of one dossier: which step, for which unit, from when to when (None: still there)."""

    step: str
    unit_code: str
    begin: datetime
    end: datetime | None


def segments(*, unit_code: str, received_at: datetime, started_at: datetime | None,
             resolved_at: datetime | None, returned_at: datetime | None,
             handovers: Iterable[tuple[str, datetime, datetime | None]]) -> list[Segment]:
    """The steps of a dossier's path (module docstring), from its facts; `handovers` are the control
    sheet's lines at other units than the competent one, as (unit code, received, released)."""
    found = []
    if started_at is not None:
        found.append(Segment(RECEIVE, unit_code, received_at, started_at))
    for code, begin, end in handovers:
        found.append(Segment(HANDOVER, code, begin, end))
    found.append(Segment(PROCESS, unit_code, started_at or received_at, resolved_at))
    if resolved_at is not None:
        found.append(Segment(RETURN, unit_code, resolved_at, returned_at))
    return found


def spent(segment: Segment, all_segments: Sequence[Segment], calendar, pauses, now: datetime) -> timedelta:
    """Working time spent in `segment` by `now` (or its end), pauses out; the processing step's own time
    leaves out the hand-over steps inside it."""
    end = min(segment.end, now) if segment.end is not None else now
    used = net_working(calendar, segment.begin, end, pauses)
    if segment.step == PROCESS:
        for other in all_segments:
            if other.step == HANDOVER:
                a = max(other.begin, segment.begin)
                b = min(other.end or now, end)
                if b > a:
                    used -= net_working(calendar, a, b, pauses)
    return max(used, timedelta(0))


@dataclass
class Pace:
    """The usual working time of each step, from the finished steps of the units' history."""

    q: float
    samples: dict[tuple[str, str, str | None], list[timedelta]] = field(default_factory=dict)
    min_procedure: int = MIN_PROCEDURE_SAMPLES
    min_unit: int = MIN_UNIT_SAMPLES

    def add(self, step: str, unit_code: str, procedure_code: str, duration: timedelta) -> None:
        self.samples.setdefault((step, unit_code, procedure_code), []).append(duration)
        self.samples.setdefault((step, unit_code, None), []).append(duration)

    def usual(self, step: str, unit_code: str, procedure_code: str | None) -> tuple[timedelta | None, int, str]:
        """(usual time or None, number of samples, basis: "procedure", "unit" or "")."""
        if procedure_code is not None:
            own = self.samples.get((step, unit_code, procedure_code), [])
            if len(own) >= self.min_procedure:
                return quantile(own, self.q), len(own), "procedure"
        unit = self.samples.get((step, unit_code, None), [])
        if len(unit) >= self.min_unit:
            return quantile(unit, self.q), len(unit), "unit"
        return None, len(unit), ""

    def table(self, unit_codes: Iterable[str]) -> list[dict]:
        """Each unit's usual time per step (the basis of the warnings, shown on the page)."""
        rows = []
        for code in unit_codes:
            for step in (RECEIVE, HANDOVER, PROCESS, RETURN):
                values = self.samples.get((step, code, None), [])
                if values:
                    rows.append({"unit": code, "step": step, "label": STEP_LABELS[step], "count": len(values),
                                 "median": quantile(values, 0.5), "usual": quantile(values, self.q)})
        return rows


def _merged_pauses(pauses, now: datetime) -> list[tuple[datetime, datetime]]:
    return lateness.merge_intervals((p.requested_at, p.completed_at or now) for p in pauses)


def _start_events(dossier_ids: list[int]) -> dict[int, datetime]:
    found = {}
    for start in range(0, len(dossier_ids), 900):  # SQLite's variable limit
        chunk = dossier_ids[start:start + 900]
        found.update(DossierEvent.objects.filter(dossier_id__in=chunk, action="start").values("dossier_id")
                     .annotate(at=Min("at")).values_list("dossier_id", "at"))
    return found


def _paths(dossiers: list[Dossier], now: datetime) -> dict[int, tuple[list[Segment], list]]:
    """Each dossier's segments and merged pauses (dossiers with `unit`, `procedure`, `pauses` and
    `handovers__unit` prefetched)."""
    starts = _start_events([d.pk for d in dossiers])
    paths = {}
    for d in dossiers:
        external = [(h.unit.code, h.received_at, h.released_at) for h in d.handovers.all() if h.unit_id != d.unit_id]
        paths[d.pk] = (segments(unit_code=d.unit.code, received_at=d.received_at, started_at=starts.get(d.pk),
                                resolved_at=d.resolved_at, returned_at=d.returned_at, handovers=external),
                       _merged_pauses(d.pauses.all(), now))
    return paths


def _with_path(queryset):
    return queryset.select_related("unit", "procedure", "assignee", "assignee__membership").prefetch_related(
        "pauses", "handovers__unit")


def usual_pace(unit_ids: Iterable[int] | None, now: datetime, *, days: int = HISTORY_DAYS, q: float = QUANTILE,
               calendars: CalendarBook | None = None, min_procedure: int = MIN_PROCEDURE_SAMPLES,
               min_unit: int = MIN_UNIT_SAMPLES) -> Pace:
    """The pace of the units `unit_ids` (None: every unit) from the steps finished in the `days` before
    `now`: dossiers resolved or returned in the window, and hand-over steps released in it."""
    calendars = calendars or CalendarBook()
    since = now - timedelta(days=days)
    pace = Pace(q=q, min_procedure=min_procedure, min_unit=min_unit)
    finished = Q(resolved_at__gte=since, resolved_at__lte=now) | Q(returned_at__gte=since, returned_at__lte=now)
    dossiers = Dossier.objects.filter(finished)
    if unit_ids is not None:
        unit_ids = set(unit_ids)
        held = Handover.objects.filter(unit_id__in=unit_ids, released_at__gte=since, released_at__lte=now)
        dossiers = dossiers.filter(unit_id__in=unit_ids) | Dossier.objects.filter(pk__in=held.values("dossier_id"))
    dossiers = list(_with_path(dossiers.distinct()))
    codes = None if unit_ids is None else set(Unit.objects.filter(id__in=unit_ids).values_list("code", flat=True))
    paths = _paths(dossiers, now)
    for d in dossiers:
        path, pauses = paths[d.pk]
        for segment in path:
            if segment.end is None or not since <= segment.end <= now:
                continue
            if codes is not None and segment.unit_code not in codes:
                continue
            calendar = calendars.for_unit(segment.unit_code)
            pace.add(segment.step, segment.unit_code, d.procedure.code, spent(segment, path, calendar, pauses, now))
    return pace


@dataclass(frozen=True)
class Warning:
    """An open dossier and what its unit's usual pace predicts for it."""

    dossier: Dossier
    step: str  # the current step
    step_unit: str
    spent: timedelta  # in the current step
    needed: timedelta  # working time still needed up to the result
    predicted_end: datetime | None  # None: no usual pace known for any step left
    effective_due: datetime  # also the apology deadline (check_apology)
    remaining: timedelta  # working time left to the effective due
    flagged: bool
    basis: str  # "procedure", "unit" or "" for the current step's usual time
    unknown_steps: tuple[str, ...]
    hours_per_day: timedelta

    @property
    def step_label(self) -> str:
        return STEP_LABELS[self.step]

    @property
    def apology_deadline(self) -> datetime:
        return self.effective_due

    @property
    def spent_text(self) -> str:
        return format_working_time(self.spent, self.hours_per_day)

    @property
    def needed_text(self) -> str:
        return format_working_time(self.needed, self.hours_per_day)

    @property
    def remaining_text(self) -> str:
        return format_working_time(self.remaining, self.hours_per_day)


def predict(dossier: Dossier, path: list[Segment], pauses, pace: Pace, calendars: CalendarBook,
            now: datetime) -> Warning | None:
    """The prediction for one open dossier (None when it is already late or paused: the queue and the
    overdue lists speak of those)."""
    calendar = calendars.for_unit(dossier.unit.code)
    standing = standing_of(dossier, calendar, now, pauses=dossier.pauses.all())
    if standing.late or standing.paused or standing.ended:
        return None
    current = next((s for s in path if s.step == HANDOVER and s.end is None), None)
    if current is None:
        current = next(s for s in path if s.step == PROCESS)
        if dossier.status in (Status.SUBMITTED, Status.RECEIVED):
            current = Segment(RECEIVE, dossier.unit.code, dossier.received_at, None)
    procedure = dossier.procedure.code
    later = {RECEIVE: [PROCESS], HANDOVER: [PROCESS], PROCESS: []}[current.step]
    unknown = []
    usual, _, basis = pace.usual(current.step, current.unit_code, procedure)
    used = spent(current, path, calendars.for_unit(current.unit_code), pauses, now)
    first = max((usual or timedelta(0)) - used, timedelta(0))
    if usual is None:
        unknown.append(current.step)
    rest = timedelta(0)
    for step in later:
        step_usual, _, _ = pace.usual(step, dossier.unit.code, procedure)
        if step_usual is None:
            unknown.append(step)
            continue
        if step == PROCESS and current.step == HANDOVER:
            # The competent unit's own processing time already spent before the hand-over counts.
            own = next(s for s in path if s.step == PROCESS)
            step_usual = max(step_usual - spent(own, path, calendar, pauses, now), timedelta(0))
        rest += step_usual
    if len(unknown) == 1 + len(later):
        predicted = None
    else:
        predicted = now
        if first:
            predicted = calendars.for_unit(current.unit_code).add_working_time(predicted, first)
        if rest:
            predicted = calendar.add_working_time(predicted, rest)
    remaining = standing.remaining(calendar)
    return Warning(dossier=dossier, step=current.step, step_unit=current.unit_code, spent=used, needed=first + rest,
                   predicted_end=predicted, effective_due=standing.effective_due, remaining=remaining,
                   flagged=predicted is not None and predicted > standing.effective_due, basis=basis,
                   unknown_steps=tuple(unknown), hours_per_day=calendar.hours_per_day)


def open_dossiers(queryset):
    """The open dossiers of `queryset` that can still be finished in time (status among the open ones)."""
    return _with_path(queryset.filter(status__in=OPEN_STATUSES))


def predictions(queryset, now: datetime, *, pace: Pace | None = None, calendars: CalendarBook | None = None,
                **pace_options) -> list[Warning]:
    """A prediction for each open dossier of `queryset` not yet late nor paused, soonest due first; the
    pace is read from the history of the units involved unless given."""
    calendars = calendars or CalendarBook()
    dossiers = list(open_dossiers(queryset))
    if pace is None:
        units = {d.unit_id for d in dossiers} | {h.unit_id for d in dossiers for h in d.handovers.all()}
        pace = usual_pace(units, now, calendars=calendars, **pace_options)
    paths = _paths(dossiers, now)
    found = []
    for d in dossiers:
        path, pauses = paths[d.pk]
        prediction = predict(d, path, pauses, pace, calendars, now)
        if prediction is not None:
            found.append(prediction)
    found.sort(key=lambda w: (w.effective_due, w.dossier.code))
    return found


def early_warnings(queryset, now: datetime, **options) -> list[Warning]:
    """The flagged predictions: open dossiers that will be late at the usual pace, not late yet."""
    return [w for w in predictions(queryset, now, **options) if w.flagged]


@dataclass
class OfficerWarnings:
    """One officer's (or nobody's yet) flagged dossiers."""

    username: str
    name: str
    warnings: list[Warning]


def by_officer(warnings: Iterable[Warning]) -> list[OfficerWarnings]:
    """The warnings grouped by the dossier's assignee (unassigned last), each group soonest due first."""
    groups: dict[str, OfficerWarnings] = {}
    for w in warnings:
        user = w.dossier.assignee
        if user is None:
            key, name = "", "Chưa phân công"
        else:
            membership = getattr(user, "membership", None)
            key = user.get_username()
            name = (membership.full_name if membership is not None and membership.full_name else key)
        groups.setdefault(key, OfficerWarnings(key, name, [])).warnings.append(w)
    ordered = sorted(groups.values(), key=lambda g: (g.username == "", g.name, g.username))
    for group in ordered:
        group.warnings.sort(key=lambda w: (w.effective_due, w.dossier.code))
    return ordered


def unit_pace_rows(pace: Pace, unit_codes: Iterable[str], hours_for) -> list[dict]:
    """The pace table with the durations written as working time."""
    rows = pace.table(unit_codes)
    for row in rows:
        hours = hours_for(row["unit"])
        row["median_text"] = format_working_time(row["median"], hours)
        row["usual_text"] = format_working_time(row["usual"], hours)
    return rows



def pace_for(queryset, now: datetime, **pace_options) -> Pace:
    """The pace `predictions` reads for the open dossiers of `queryset` (shown beside the warnings)."""
    dossiers = list(open_dossiers(queryset))
    units = {d.unit_id for d in dossiers} | {h.unit_id for d in dossiers for h in d.handovers.all()}
    return usual_pace(units, now, **pace_options)
