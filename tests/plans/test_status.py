"""A task's status from its deadline and progress: the one definition of a late task."""

from datetime import date

from motcua.plans import status as st

ONE_OFF = st.Deadline(on=date(2025, 8, 31))


def test_a_one_off_task_is_late_the_day_after_its_deadline_not_on_it():
    assert st.unit_status(ONE_OFF, None, None, date(2025, 8, 31)) == st.NOT_STARTED
    assert st.unit_status(ONE_OFF, None, None, date(2025, 9, 1)) == st.LATE
    assert st.unit_status(ONE_OFF, 40, date(2025, 8, 20), date(2025, 8, 31)) == st.IN_PROGRESS
    assert st.unit_status(ONE_OFF, 40, date(2025, 8, 20), date(2025, 9, 1)) == st.LATE


def test_done_is_done_even_after_the_deadline():
    assert st.unit_status(ONE_OFF, 100, date(2025, 9, 10), date(2025, 12, 1)) == st.DONE
    assert st.unit_status(ONE_OFF, 100, date(2025, 8, 10), date(2025, 8, 11)) == st.DONE


def test_an_ongoing_task_is_never_late():
    ongoing = st.Deadline(ongoing=True)
    assert st.unit_status(ongoing, None, None, date(2030, 1, 1)) == st.NOT_STARTED
    assert st.unit_status(ongoing, 30, date(2025, 9, 1), date(2030, 1, 1)) == st.IN_PROGRESS


def test_a_monthly_task_is_late_from_day_n_without_an_update_in_the_cycle():
    monthly = st.Deadline(monthly_day=20)
    # Updated on 18/9: fine through 19/10; on 20/10 the cycle 20/9–19/10 has no update.
    assert st.unit_status(monthly, 10, date(2025, 9, 18), date(2025, 10, 19)) == st.IN_PROGRESS
    assert st.unit_status(monthly, 10, date(2025, 9, 18), date(2025, 9, 25)) == st.IN_PROGRESS
    assert st.unit_status(monthly, 10, date(2025, 9, 25), date(2025, 10, 20)) == st.IN_PROGRESS
    assert st.unit_status(monthly, 10, date(2025, 9, 18), date(2025, 10, 20)) == st.LATE
    assert st.unit_status(monthly, None, None, date(2025, 10, 20)) == st.LATE
    assert st.last_monthly_due(20, date(2025, 1, 5)) == date(2024, 12, 20)


def test_overall_status_of_several_lead_units():
    assert st.overall_status([st.DONE, st.DONE]) == st.DONE
    assert st.overall_status([st.DONE, st.LATE]) == st.LATE
    assert st.overall_status([st.DONE, st.NOT_STARTED]) == st.IN_PROGRESS
    assert st.overall_status([st.NOT_STARTED, st.NOT_STARTED]) == st.NOT_STARTED
    assert st.overall_status([]) == st.NOT_STARTED
