"""The meaning of a dossier or a feedback item at an evaluation moment (interchange.md, "Semantics").

Pure functions over `records` dataclasses and a working calendar. Every function takes the evaluation
moment `t` explicitly and applies the as-of-t convention: an end, a supplement request or completion, a
fee-wait completion, a sync, a payment, an e-result, a feedback answer or refusal after `t` has not
happened yet. Flags without a time (`digitized`, `rating`, `complaint`, ...) are taken as they are.

Period membership uses local dates (Asia/Ho_Chi_Minh). Because the offset is fixed, "the local date of a
timestamp is in [from, to]" is the same as "start <= timestamp < end" with `start` = `from` 00:00 local
and `end` = the day after `to` 00:00 local; comparing aware instants avoids a time-zone conversion per
dossier and is exact whatever offset a timestamp was written with.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from motcua.lib import lateness
from motcua.lib.lateness import by
from motcua.lib.periods import Period, local_date

# Feedback deadlines of rules.md ("Feedback and complaints"), in working days from receipt.
FEEDBACK_REFUSE_DAYS = 2
FEEDBACK_ANSWER_DAYS = 15


# -- dossiers ---------------------------------------------------------------------------------------


def is_refused(dossier) -> bool:
    """Refused at receipt: outside every dossier population except 1.4, whatever `ended_at` says."""
    return dossier.ended == "refused"


def end(dossier) -> datetime | None:
    """The earliest of resolved_at, returned_at and ended_at; None when none is set."""
    times = [at for at in (dossier.resolved_at, dossier.returned_at, dossier.ended_at) if at is not None]
    return min(times) if times else None


def end_by(dossier, t: datetime) -> datetime | None:
    """The end if it happened by t, else None (an end after t has not happened yet)."""
    at = end(dossier)
    return at if at is not None and at <= t else None


def received_in(dossier, period: Period) -> bool:
    """Received in the period: the local date of `received_at` is in it and `received_at` <= t."""
    return period.happened_in(dossier.received_at)


def under_processing_in(dossier, period: Period) -> bool:
    """Received by t and before the period's end, and not ended (by t) before the period's start.

    Carried-over dossiers (received before the period, still open at its start) and newly received ones.
    An open supplement does not end a dossier here: interchange.md defines the end only by the three
    timestamps, and uses the request time only to judge lateness.
    """
    if not (dossier.received_at <= period.t and dossier.received_at < period.end):
        return False
    ended = end_by(dossier, period.t)
    return ended is None or ended >= period.start


def standing(dossier, t: datetime, calendar) -> lateness.Standing:
    """The dossier's standing at t: the one definition of late (`motcua.lib.lateness`)."""
    return lateness.standing(dossier.due_at, dossier.supplements, dossier.fee_waits, end(dossier), t, calendar)


def is_late(dossier, t: datetime, calendar) -> bool:
    """Late (or overdue) at t, by the rules of `motcua.lib.lateness`."""
    return standing(dossier, t, calendar).late


def pause(dossier, t: datetime, calendar) -> timedelta:
    """Working time inside every supplement and fee wait completed by t (the competent unit's calendar)."""
    return lateness.pause(dossier.supplements, dossier.fee_waits, t, calendar)


def processing_time(dossier, t: datetime, calendar) -> timedelta | None:
    """Working time from receipt to resolution, pauses deducted; None when not resolved by t."""
    if not by(dossier.resolved_at, t):
        return None
    gross = calendar.working_time_between(dossier.received_at, dossier.resolved_at)
    net = gross - pause(dossier, t, calendar)
    return max(net, timedelta(0))


# -- whole-day rules and feedback -------------------------------------------------------------------


def within_working_days(x: datetime | date, y: datetime | date, n: int, calendar) -> bool:
    """"X <= Y + n working days": X's local date <= the n-th working day after Y's local date.

    Y's own date is never counted; with n < 0 it reads "X <= Y - |n| working days".
    """
    x_day = local_date(x) if isinstance(x, datetime) else x
    y_day = local_date(y) if isinstance(y, datetime) else y
    return x_day <= calendar.add_working_days(y_day, n)


def feedback_in_population(item, period: Period) -> bool:
    """Received by t and not answered or refused (by t) before the period's start."""
    if item.received_at > period.t:
        return False
    handled = [at for at in (item.answered_at, item.refused_at) if by(at, period.t)]
    return not handled or min(handled) >= period.start


def feedback_on_time(item, t: datetime, calendar) -> bool:
    """Handled on time or still in time at t (indicator 4.1).

    On time when answered <= received + 15 working days, or refused <= received + 2 working days, or, when
    neither has happened by t, t is still within 15 working days of receipt. A late refusal is handled
    (late) and is not rescued by the 15-day window.
    """
    answered = item.answered_at if by(item.answered_at, t) else None
    refused = item.refused_at if by(item.refused_at, t) else None
    if answered is not None and within_working_days(answered, item.received_at, FEEDBACK_ANSWER_DAYS, calendar):
        return True
    if refused is not None and within_working_days(refused, item.received_at, FEEDBACK_REFUSE_DAYS, calendar):
        return True
    if answered is None and refused is None:
        return within_working_days(t, item.received_at, FEEDBACK_ANSWER_DAYS, calendar)
    return False
