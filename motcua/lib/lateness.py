"""Late, overdue, paused and the working time left: the one definition (rules.md "On time / early /
late", interchange.md "late" and "Supplements and fee waits as of t").

Every page, report, count and command of the system asks this module, through `standing`: the work
queue and the dossier page (`office.clock`), the home page, the index's reference rules
(`indicators.semantics`) and their numpy twin (`indicators.columnar`, checked equal by the differential
tests), the drill-down lists, the weekly report and the demo generator.

The rule, at an evaluation moment t (nothing after t has happened yet):

1. two or more supplement requests made by t: late;
2. an open request at t (a supplement or a fee wait requested by t and not completed by t): the clock is
   stopped while the citizen owes a document or a payment, and the dossier is judged at the earliest open
   request's time;
3. otherwise, ended by t: judged at the end;
4. otherwise: judged at t ("overdue" when late).

It is late when the moment it is judged at is after the effective due: `due_at` moved later by the
working time of the supplements and fee waits completed by t (overlaps counted once). Ending exactly at
the effective due is on time.

Pure functions over aware datetimes and a `WorkingCalendar`; no Django. Requests are (requested_at,
completed_at or None) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

Request = tuple[datetime, datetime | None]


def by(at: datetime | None, t: datetime) -> bool:
    """Did the event at `at` happen by t?"""
    return at is not None and at <= t


def merge_intervals(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Non-empty (start, stop) intervals sorted and merged where they overlap: paused time never counts
    twice, whether a supplement and a fee wait overlap in imported data or on the control sheet."""
    merged: list[tuple[datetime, datetime]] = []
    for start, stop in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if stop > merged[-1][1]:
                merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def completed_pauses(supplements: Sequence[Request], fee_waits: Sequence[Request],
                     t: datetime) -> list[tuple[datetime, datetime]]:
    """Supplements and fee waits requested and completed by t, merged where they overlap."""
    return merge_intervals((requested, completed) for requested, completed in (*supplements, *fee_waits)
                           if requested <= t and by(completed, t))


def pause(supplements: Sequence[Request], fee_waits: Sequence[Request], t: datetime, calendar) -> timedelta:
    """Working time inside every supplement and fee wait completed by t (the competent unit's calendar)."""
    return sum((calendar.working_time_between(start, stop)
                for start, stop in completed_pauses(supplements, fee_waits, t)), timedelta(0))


def effective_due(due_at: datetime, supplements: Sequence[Request], fee_waits: Sequence[Request], t: datetime,
                  calendar) -> datetime:
    """`due_at` moved later by the pause, as the earliest instant with that much more working time."""
    paused = pause(supplements, fee_waits, t, calendar)
    return calendar.add_working_time(due_at, paused) if paused else due_at


def open_request_at(supplements: Sequence[Request], fee_waits: Sequence[Request], t: datetime) -> datetime | None:
    """The time of the earliest supplement or fee wait requested by t and not completed by t, if any."""
    open_requests = [requested for requested, completed in (*supplements, *fee_waits)
                     if requested <= t and not by(completed, t)]
    return min(open_requests) if open_requests else None


def supplements_requested_by(supplements: Sequence[Request], t: datetime) -> int:
    return sum(1 for requested, _ in supplements if requested <= t)


@dataclass(frozen=True)
class Standing:
    """Where a dossier stands against its due time at t."""

    effective_due: datetime
    judged_at: datetime  # the earliest open request, else the end, else t
    late: bool  # late (ended) or overdue (still open) at t
    paused: bool  # an open supplement or fee wait at t: the clock is stopped at `judged_at`
    ended: bool  # ended by t
    repeated_supplements: bool  # two or more supplement requests by t (late whatever the times)

    def remaining(self, calendar) -> timedelta:
        """Working time from the judged moment to the effective due; negative when past it.

        `working_time_between` is 0 for an instant after the last session of the due day, so a moment
        past the due still gets a strictly negative value, which sorts an overdue dossier first.
        """
        if self.judged_at <= self.effective_due:
            return calendar.working_time_between(self.judged_at, self.effective_due)
        return -max(calendar.working_time_between(self.effective_due, self.judged_at), timedelta(microseconds=1))


def standing(due_at: datetime, supplements: Sequence[Request], fee_waits: Sequence[Request],
             end: datetime | None, t: datetime, calendar) -> Standing:
    """The dossier's standing at t by the four rules of the module docstring.

    `end` is the earliest of resolved, returned and ended (None while none is set); an end after t has
    not happened yet.
    """
    due = effective_due(due_at, supplements, fee_waits, t, calendar)
    requested = open_request_at(supplements, fee_waits, t)
    ended = by(end, t)
    if requested is not None:
        judged_at = requested
    elif ended:
        judged_at = end
    else:
        judged_at = t
    repeated = supplements_requested_by(supplements, t) >= 2
    return Standing(effective_due=due, judged_at=judged_at, late=repeated or judged_at > due,
                    paused=requested is not None, ended=ended, repeated_supplements=repeated)


def is_late(due_at: datetime, supplements: Sequence[Request], fee_waits: Sequence[Request],
            end: datetime | None, t: datetime, calendar) -> bool:
    """Late (or overdue) at t."""
    return standing(due_at, supplements, fee_waits, end, t, calendar).late
