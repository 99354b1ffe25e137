"""Early warning on constructed histories: a unit whose processing step always takes 3 working days
flags an open dossier due in 2 working days and not one due in 5; per officer; the apology deadline is
the effective due of the one definition."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier
from motcua.forecasting import pace
from motcua.office import actions
from motcua.office.clock import clock_of
from motcua.units.calendars import CalendarBook
from tests.office.conftest import AT, _procedure, receive


@pytest.fixture
def calendar(world):
    return CalendarBook().for_unit(world.commune_a.code)


def processed(world, calendar, at, days, *, procedure=None, assignee=None, supplement_days=0):
    """A dossier of commune A received and started at `at`, resolved after `days` working days of
    processing (and a supplement of `supplement_days` working days in the middle, which the clock skips)."""
    d = receive(world, at=at, procedure=procedure)
    d = actions.do_assign(d, actor=world.leader_a, assignee=assignee or world.processor_a, version=d.version, at=at)
    end = calendar.add_working_time(at, days * calendar.hours_per_day)
    if supplement_days:
        asked = calendar.add_working_time(at, calendar.hours_per_day)
        back = calendar.add_working_time(asked, supplement_days * calendar.hours_per_day)
        d = actions.do_request_supplement(d, actor=world.processor_a, reason="Thiếu giấy", version=d.version, at=asked)
        d = actions.do_complete_supplement(d, actor=world.desk_a, version=d.version, at=back)
        end = calendar.add_working_time(back, (days - 1) * calendar.hours_per_day)
    return actions.do_resolve(d, actor=world.processor_a, result_text="Đã cấp", version=d.version, at=end)


@pytest.fixture
def history(world, calendar):
    """Six dossiers of commune A, each processed in exactly 3 working days, in the weeks before AT."""
    for week in range(1, 7):
        processed(world, calendar, AT - timedelta(weeks=week), 3)


def open_dossier(world, limit, at, assignee=None, code="9.9"):
    procedure = _procedure(f"{code}.{limit}", f"Thủ tục {limit} ngày", "Thử", "commune", str(limit))
    d = receive(world, at=at, procedure=procedure)
    return actions.do_assign(d, actor=world.leader_a, assignee=assignee or world.processor_a, version=d.version, at=at)


def test_the_usual_time_is_read_from_the_units_own_history(world, calendar, history):
    units = {world.commune_a.id}
    usual, count, basis = pace.usual_pace(units, AT).usual(pace.PROCESS, world.commune_a.code, "x")
    assert (usual, count, basis) == (3 * calendar.hours_per_day, 6, "unit")
    # the start of processing came at receipt: 0 working time waiting
    assert pace.usual_pace(units, AT).usual(pace.RECEIVE, world.commune_a.code, None)[0] == timedelta(0)


def test_a_dossier_due_in_2_days_is_flagged_one_due_in_5_is_not(world, calendar, history):
    due2 = open_dossier(world, 2, AT)
    due5 = open_dossier(world, 5, AT)
    now = AT + timedelta(minutes=5)
    found = {w.dossier.code: w for w in pace.predictions(Dossier.objects.all(), now)}
    assert found[due2.code].flagged and not found[due5.code].flagged
    # predicted end: now + the 3 usual working days (none of the processing spent yet but 5 minutes)
    assert found[due2.code].predicted_end == calendar.add_working_time(now, 3 * calendar.hours_per_day
                                                                       - timedelta(minutes=5))
    assert found[due2.code].predicted_end > found[due2.code].effective_due
    assert [w.dossier.code for w in pace.early_warnings(Dossier.objects.all(), now)] == [due2.code]


def test_time_already_spent_counts_and_a_late_dossier_is_not_a_warning(world, calendar, history):
    due5 = open_dossier(world, 5, AT)
    # 3 working days in, the usual time is used up: the dossier should finish now, well before its due
    later = calendar.add_working_time(AT, 3 * calendar.hours_per_day)
    w = pace.predictions(Dossier.objects.filter(pk=due5.pk), later)[0]
    assert w.needed == timedelta(0) and not w.flagged
    # once past its effective due it is late, which the queue says: no early warning
    past = calendar.add_working_time(due5.due_at, timedelta(hours=1))
    assert pace.predictions(Dossier.objects.filter(pk=due5.pk), past) == []


def test_no_history_no_warning(world):
    due2 = open_dossier(world, 2, AT)
    w = pace.predictions(Dossier.objects.filter(pk=due2.pk), AT + timedelta(minutes=5))[0]
    assert w.predicted_end is None and not w.flagged and pace.PROCESS in w.unknown_steps


def test_pauses_in_the_history_are_not_processing_time(world, calendar):
    for week in range(1, 7):
        processed(world, calendar, AT - timedelta(weeks=week), 3, supplement_days=2)
    usual = pace.usual_pace({world.commune_a.id}, AT).usual(pace.PROCESS, world.commune_a.code, None)[0]
    assert usual == 3 * calendar.hours_per_day


def test_the_procedures_own_pace_wins_when_it_has_enough_history(world, calendar, history):
    slow = _procedure("8.8.8", "Thủ tục chậm", "Thử", "commune", "10")
    for week in range(2, 5):  # resolved before AT
        processed(world, calendar, AT - timedelta(weeks=week) + timedelta(hours=1), 6, procedure=slow)
    book = pace.usual_pace({world.commune_a.id}, AT, min_procedure=3)
    assert book.usual(pace.PROCESS, world.commune_a.code, slow.code)[:3] == (6 * calendar.hours_per_day, 3,
                                                                           "procedure")
    unit_usual = book.usual(pace.PROCESS, world.commune_a.code, "other")
    assert unit_usual[1] == 9 and unit_usual[2] == "unit"


def test_warnings_per_officer_with_the_apology_deadline(world, calendar, history):
    mine = open_dossier(world, 2, AT, assignee=world.processor_a, code="7.1")
    leaders = open_dossier(world, 1, AT, assignee=world.leader_a, code="7.2")
    open_dossier(world, 5, AT, assignee=world.processor_a, code="7.3")  # not flagged
    now = AT + timedelta(minutes=5)
    groups = pace.by_officer(pace.early_warnings(Dossier.objects.all(), now))
    assert [(g.name, [w.dossier.code for w in g.warnings]) for g in groups] == [
        ("Lê Văn Lãnh", [leaders.code]), ("Trần Văn Xử", [mine.code])]
    w = groups[1].warnings[0]
    mine.refresh_from_db()
    assert w.apology_deadline == clock_of(mine, calendar, now).effective_due
    # the deadline shown is the one check_apology enforces: just before it an apology is accepted …
    actions.check_apology(mine, w.apology_deadline + timedelta(days=3), w.apology_deadline - timedelta(minutes=1))
    # … just after it, refused
    with pytest.raises(actions.RuleViolation):
        actions.check_apology(mine, w.apology_deadline + timedelta(days=3), w.apology_deadline + timedelta(minutes=1))


def test_a_completed_supplement_moves_the_apology_deadline(world, calendar, history):
    d = open_dossier(world, 2, AT)
    asked = AT + timedelta(hours=1)
    back = calendar.add_working_time(asked, calendar.hours_per_day)
    d = actions.do_request_supplement(d, actor=world.processor_a, reason="Thiếu giấy", version=d.version, at=asked)
    d = actions.do_complete_supplement(d, actor=world.desk_a, version=d.version, at=back)
    now = back + timedelta(minutes=5)
    w = pace.predictions(Dossier.objects.filter(pk=d.pk), now)[0]
    assert w.effective_due == calendar.add_working_time(d.due_at, calendar.hours_per_day)
    # spent: 1 working hour before the pause and 5 minutes after it
    assert w.spent == timedelta(hours=1, minutes=5)
    assert w.flagged  # 3 usual days from a 2-day due moved by 1 day: still late


def test_a_paused_dossier_gets_no_prediction(world, calendar, history):
    d = open_dossier(world, 2, AT)
    actions.do_request_supplement(d, actor=world.processor_a, reason="Thiếu giấy", version=d.version,
                                  at=AT + timedelta(hours=1))
    assert pace.predictions(Dossier.objects.filter(pk=d.pk), AT + timedelta(hours=2)) == []


def test_a_hand_over_step_uses_the_receiving_units_pace(world, calendar):
    # commune B usually keeps a handed-over dossier 2 working days; commune A processes in 1 of its own
    for week in range(1, 7):
        at = AT - timedelta(weeks=week)
        d = receive(world, at=at)
        d = actions.do_assign(d, actor=world.leader_a, assignee=world.processor_a, version=d.version, at=at)
        d = actions.do_hand_over(d, actor=world.processor_a, to_unit=world.commune_b, days=3, version=d.version, at=at)
        back_at = calendar.add_working_time(at, 2 * calendar.hours_per_day)
        d = actions.do_hand_over(d, actor=world.processor_b, to_unit=world.commune_a, days=0, version=d.version,
                                 at=back_at)
        actions.do_resolve(d, actor=world.processor_a, result_text="Đã cấp", version=d.version,
                           at=calendar.add_working_time(back_at, calendar.hours_per_day))
    book = pace.usual_pace({world.commune_a.id, world.commune_b.id}, AT)
    assert book.usual(pace.HANDOVER, world.commune_b.code, None)[0] == 2 * calendar.hours_per_day
    assert book.usual(pace.PROCESS, world.commune_a.code, None)[0] == calendar.hours_per_day
    d = open_dossier(world, 2, AT)
    d = actions.do_hand_over(d, actor=world.processor_a, to_unit=world.commune_b, days=3, version=d.version, at=AT)
    w = pace.predictions(Dossier.objects.filter(pk=d.pk), AT + timedelta(hours=1))[0]
    assert (w.step, w.step_unit) == (pace.HANDOVER, world.commune_b.code)
    assert w.needed == 3 * calendar.hours_per_day - timedelta(hours=1)
    assert w.flagged
