"""Closing a day: the application funnel from the drafts (started, submitted, abandoned by the step where
they stopped), the day's visitor set and salt deleted, and the same rows however often it runs."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from motcua.applications.definitions import latest
from motcua.applications.models import Draft, DraftAttachment
from motcua.lib.workingtime import LOCAL_TZ
from motcua.usage.aggregate import aggregate, close_day, step_of
from motcua.usage.models import DailyFunnel, DailySalt, DailyUsage, DayVisitor, SubmitAttempt
from tests.usage.conftest import browser

DAY = date(2025, 11, 3)


def at(day: date, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def draft_on(world, day, *, unit=None, answers=None, attached=False, tried=False, submitted=None, assisted=False,
             procedure=None):
    procedure = procedure or world.birth
    owner = get_user_model().objects.create(username=f"0190{Draft.objects.count():08d}")
    with time_machine.travel(at(day), tick=False):
        draft = Draft.objects.create(owner=owner, procedure=procedure, form=latest(procedure), answers=answers or {},
                                     unit=unit or world.commune_a, assisted_by=world.desk_a if assisted else None)
    if attached:
        DraftAttachment.objects.create(draft=draft, component="birth_certificate", file="drafts/x.pdf",
                                       content_type="application/pdf", size=10, sha256="0" * 64)
    if tried:
        SubmitAttempt.objects.create(draft=draft, first_at=at(day, 11))
    if submitted:
        Draft.objects.filter(pk=draft.pk).update(submitted_at=at(submitted, 15))
    return draft


@pytest.fixture
def drafts(portal_world):
    w = portal_world
    draft_on(w, DAY)                                                       # opened only
    draft_on(w, DAY, answers={"child_name": "Khôi", "mother_name": ""})    # answered a field
    draft_on(w, DAY, answers={"child_name": "Khôi"}, attached=True)        # attached a component
    draft_on(w, DAY, answers={"child_name": "Khôi"}, attached=True, tried=True)  # tried to submit
    draft_on(w, DAY, answers={"child_name": "Khôi"}, submitted=DAY + timedelta(days=2))  # in time
    draft_on(w, DAY, answers={"child_name": "Khôi"}, submitted=DAY + timedelta(days=9))  # after 7 days: abandoned
    draft_on(w, DAY, answers={"mother_name": ""}, unit=w.commune_b)        # another unit, blank answers: opened
    draft_on(w, DAY, submitted=DAY, assisted=True)                         # the desk's, not the portal's
    draft_on(w, DAY - timedelta(days=1), submitted=DAY)                    # started the day before
    return w


def funnel(day):
    return {(f.unit_id, f.procedure_id): (f.started, f.submitted, f.abandoned_opened, f.abandoned_answered,
                                          f.abandoned_attached, f.abandoned_tried, f.settled)
            for f in DailyFunnel.objects.filter(day=day)}


def test_the_step_where_a_draft_stopped():
    assert step_of({}, False, False) == "opened"
    assert step_of({"a": " "}, False, False) == "opened"
    assert step_of({"a": "x"}, False, False) == "answered"
    assert step_of({"a": "x"}, True, False) == "attached"
    assert step_of({}, True, True) == "tried"


def test_the_funnel_of_a_day_with_drafts_at_each_step(drafts):
    w = drafts
    close_day(DAY, today=DAY + timedelta(days=8))  # D + 7 is over: abandonment is known
    assert funnel(DAY) == {
        (w.commune_a.pk, w.birth.pk): (6, 1, 1, 2, 1, 1, True),
        (w.commune_b.pk, w.birth.pk): (1, 0, 1, 0, 0, 0, True),
    }
    close_day(DAY + timedelta(days=2), today=DAY + timedelta(days=8))
    assert funnel(DAY + timedelta(days=2))[(w.commune_a.pk, w.birth.pk)][:2] == (0, 1)


def test_abandonment_is_not_counted_before_the_delay_is_over(drafts, settings):
    w = drafts
    close_day(DAY, today=DAY + timedelta(days=7))
    assert funnel(DAY)[(w.commune_a.pk, w.birth.pk)] == (6, 1, 0, 0, 0, 0, False)
    settings.MOTCUA_USAGE_ABANDON_DAYS = 3
    close_day(DAY, today=DAY + timedelta(days=7))
    # Within 3 days only the draft submitted on D + 2 made it; the one submitted on D + 9 did not.
    assert funnel(DAY)[(w.commune_a.pk, w.birth.pk)] == (6, 1, 1, 2, 1, 1, True)


def test_a_night_missed_is_caught_up(drafts):
    aggregate(today=DAY + timedelta(days=1))
    assert funnel(DAY)[(drafts.commune_a.pk, drafts.birth.pk)][-1] is False
    aggregate(today=DAY + timedelta(days=30))  # weeks later: the unsettled day is settled, not forgotten
    assert funnel(DAY)[(drafts.commune_a.pk, drafts.birth.pk)] == (6, 1, 1, 2, 1, 1, True)


def test_aggregation_is_idempotent(drafts):
    today = DAY + timedelta(days=8)
    first = [aggregate(today=today), {d: funnel(d) for d in DailyFunnel.objects.values_list("day", flat=True)}]
    second = [aggregate(today=today), {d: funnel(d) for d in DailyFunnel.objects.values_list("day", flat=True)}]
    assert first[1] == second[1] and first[1]
    assert DailyFunnel.objects.filter(day=DAY).count() == 2
    close_day(DAY, today=today)
    close_day(DAY, today=today)
    assert funnel(DAY) == first[1][DAY]


def test_closing_a_day_deletes_its_visitor_set_and_salt_but_not_today_s(portal_world):
    with time_machine.travel(at(DAY), tick=False):
        browser().get(reverse("portal:catalog"))
    with time_machine.travel(at(DAY + timedelta(days=1)), tick=False):
        browser().get(reverse("portal:catalog"))
    assert set(DailySalt.objects.values_list("day", flat=True)) == {DAY, DAY + timedelta(days=1)}
    with time_machine.travel(at(DAY + timedelta(days=1), 23), tick=False):
        call_command("usage", "aggregate")  # closes yesterday (and the days before)
    assert list(DailySalt.objects.values_list("day", flat=True)) == [DAY + timedelta(days=1)]
    assert set(DayVisitor.objects.values_list("day", flat=True)) == {DAY + timedelta(days=1)}
    # The counts stay: only the means of recognising a browser is gone.
    assert sorted(DailyUsage.objects.values_list("day", "views")) == [(DAY, 1), (DAY + timedelta(days=1), 1)]


def test_today_can_be_aggregated_without_closing_it_and_the_future_cannot(portal_world, capsys):
    with time_machine.travel(at(DAY), tick=False):
        browser().get(reverse("portal:catalog"))
        call_command("usage", "aggregate", "--day", DAY.isoformat())
        assert DailySalt.objects.filter(day=DAY).exists()
        with pytest.raises(Exception, match="chưa đến"):
            call_command("usage", "aggregate", "--day", (DAY + timedelta(days=1)).isoformat())
    assert "03/11/2025" in capsys.readouterr().out
