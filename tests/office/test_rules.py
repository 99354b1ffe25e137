"""The business rules hold in the actions themselves: a caller that bypasses the forms is refused, and a
refused action changes nothing (status, version, events, control sheet)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import TransitionError
from motcua.dossiers.models import Dossier, DossierEvent, Handover
from motcua.office import actions, clock
from motcua.office.actions import RuleViolation
from motcua.office.forms import QueueFilterForm
from tests.office.conftest import AT

pytestmark = pytest.mark.django_db


def T(text):
    return datetime.fromisoformat(text)


def _fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _state(dossier):
    stored = _fresh(dossier)
    return (stored.status, stored.version, stored.holder_id, DossierEvent.objects.filter(dossier=dossier).count(),
            list(Handover.objects.filter(dossier=dossier).order_by("id").values_list("unit_id", "released_at")))


def _processing(world, dossier):
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version, at=AT)
    return _fresh(dossier)


@pytest.fixture
def processing(world, dossier):
    """A birth registration (1 working day) received Wed 5/11 09:00, due Thu 6/11 09:00, being processed."""
    assert dossier.due_at == T("2025-11-06T09:00:00+07:00")
    return _processing(world, dossier)


# -- apology before the due time ------------------------------------------------------------------------


def test_an_apology_after_the_due_time_is_refused_by_the_action(world, processing):
    before = _state(processing)
    with pytest.raises(RuleViolation, match="trước thời hạn trả kết quả") as refused:
        actions.do_apologize(processing, actor=world.processor_a, reason="Trễ", new_due=T("2025-11-12T16:00+07:00"),
                             version=processing.version, at=T("2025-11-06T09:01+07:00"))
    assert refused.value.field is None and isinstance(refused.value, TransitionError)
    assert _state(processing) == before


@pytest.mark.parametrize("new_due", ["2025-11-06T08:00+07:00", "2025-11-06T09:00+07:00"])
def test_a_new_appointment_not_after_the_due_time_is_refused_by_the_action(world, processing, new_due):
    before = _state(processing)
    with pytest.raises(RuleViolation, match="phải sau thời gian hẹn trả hiện tại") as refused:
        actions.do_apologize(processing, actor=world.processor_a, reason="Chờ xác minh", new_due=T(new_due),
                             version=processing.version, at=AT + timedelta(hours=2))
    assert refused.value.field == "new_due"
    assert _state(processing) == before


def test_the_apology_deadline_is_the_due_time_moved_by_completed_pauses(world, dossier):
    # Supplement asked Wed 10:00, completed Thu 10:00: 8 working hours paused, so due Fri 7/11 09:00.
    actions.do_request_supplement(dossier, actor=world.processor_a, reason="Bổ sung", version=dossier.version,
                                  at=AT + timedelta(hours=1))
    actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version,
                                   at=T("2025-11-06T10:00+07:00"))
    dossier = _fresh(dossier)
    assert dossier.status == Status.PROCESSING
    before = _state(dossier)
    with pytest.raises(RuleViolation):  # the new time must be after the moved due time, not the stored one
        actions.do_apologize(dossier, actor=world.processor_a, reason="Chờ", new_due=T("2025-11-07T08:00+07:00"),
                             version=dossier.version, at=T("2025-11-06T15:00+07:00"))
    assert _state(dossier) == before
    # After the stored due time (Thu 09:00) but before the moved one: still in time for an apology.
    actions.do_apologize(dossier, actor=world.processor_a, reason="Chờ xác minh", new_due=T("2025-11-10T16:00+07:00"),
                         version=dossier.version, at=T("2025-11-06T15:00+07:00"))
    stored = _fresh(dossier)
    assert stored.version == before[1] + 1 and stored.due_at == dossier.due_at
    assert DossierEvent.objects.get(dossier=dossier, action="apologize").data["new_due_at"].startswith(
        "2025-11-10T16:00")


# -- written result -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n"])
def test_resolving_a_written_result_procedure_without_its_text_is_refused_by_the_action(world, processing, text):
    assert processing.procedure.written_result
    before = _state(processing)
    with pytest.raises(RuleViolation, match="kết quả bằng văn bản") as refused:
        actions.do_resolve(processing, actor=world.processor_a, result_text=text, version=processing.version,
                           at=AT + timedelta(hours=1))
    assert refused.value.field == "result_text"
    assert _state(processing) == before
    assert Handover.objects.get(dossier=processing).released_at is None


def test_a_procedure_without_a_written_result_may_resolve_without_text(world, processing):
    world.birth.written_result = False
    world.birth.save(update_fields=["written_result"])
    processing = _fresh(processing)
    actions.do_resolve(processing, actor=world.processor_a, result_text="  ", version=processing.version,
                       at=AT + timedelta(hours=1))
    assert _fresh(processing).status == Status.RESOLVED
    assert DossierEvent.objects.get(dossier=processing, action="resolve").data["result_text"] == ""


def test_returning_a_written_result_without_the_signed_result_is_refused_by_the_action(world, processing):
    actions.do_resolve(processing, actor=world.processor_a, result_text="Cấp Giấy khai sinh.",
                       version=processing.version, at=AT + timedelta(hours=1))
    resolved = _fresh(processing)
    before = _state(resolved)
    with pytest.raises(TransitionError, match="chưa được lãnh đạo phê duyệt và ký số"):
        actions.do_return(resolved, actor=world.desk_a, version=resolved.version, at=AT + timedelta(hours=2))
    assert _state(resolved) == before


# -- hand-over step deadline in working time ------------------------------------------------------------


@pytest.mark.parametrize("days", [Decimal("-0.5"), -1, Decimal("60.1"), 1000, Decimal("NaN"), Decimal("Infinity")])
def test_a_hand_over_with_a_negative_or_absurd_share_is_refused_by_the_action(world, processing, days):
    before = _state(processing)
    with pytest.raises(RuleViolation, match="từ 0 đến 60 ngày làm việc") as refused:
        actions.do_hand_over(processing, actor=world.processor_a, to_unit=world.dkkd, days=days,
                             version=processing.version, at=AT + timedelta(hours=1))
    assert refused.value.field == "days"
    assert _state(processing) == before


@pytest.mark.parametrize("days", [1.5, "1.5", True])
def test_a_hand_over_share_must_be_exact(world, processing, days):
    before = _state(processing)
    with pytest.raises(TypeError):
        actions.do_hand_over(processing, actor=world.processor_a, to_unit=world.dkkd, days=days,
                             version=processing.version, at=AT + timedelta(hours=1))
    assert _state(processing) == before


@pytest.mark.parametrize("at, days, due", [
    # Wed 10:00 + 12 h: 1.5 h to noon, 3.5 h afternoon, Thu 4.5 h morning, then 2.5 h from 13:30.
    ("2025-11-05T10:00+07:00", Decimal("1.5"), "2025-11-06T16:00+07:00"),
    # A tenth of an 8-hour day is 48 minutes exactly (0.1 is not exact as a float).
    ("2025-11-05T10:00+07:00", Decimal("0.1"), "2025-11-05T10:48+07:00"),
    # Friday evening: the share starts on Monday 07:00; 8 h Monday, 4 h Tuesday morning.
    ("2025-11-07T18:00+07:00", Decimal("1.5"), "2025-11-11T11:00+07:00"),
    ("2025-11-05T10:00+07:00", 2, "2025-11-07T10:00+07:00"),
    # The longest share: 17 working days left in November, 23 in December, 20 in January (1/1 is a holiday).
    ("2025-11-05T10:00+07:00", Decimal("60"), "2026-01-29T10:00+07:00"),
    ("2025-11-05T10:00+07:00", Decimal("0"), None),  # no share: the step has no deadline
])
def test_the_hand_over_step_due_is_exact_working_time(world, processing, at, days, due):
    actions.do_hand_over(processing, actor=world.processor_a, to_unit=world.dkkd, days=days,
                         version=processing.version, at=T(at))
    step = Handover.objects.filter(dossier=processing).order_by("id").last()
    assert step.unit == world.dkkd and step.received_at == T(at)
    assert step.due_at == (T(due) if due else None)
    assert DossierEvent.objects.get(dossier=processing, action="hand_over").data["days"] == str(days)


# -- one definition of the urgency labels ---------------------------------------------------------------


def test_the_queue_filter_offers_the_clocks_urgencies_with_the_clocks_labels():
    choices = dict(QueueFilterForm.URGENCIES)
    assert choices.pop("") == "Tất cả"
    assert choices == clock.URGENCY_LABELS
    assert set(choices) == {clock.IN_TIME, clock.DUE_SOON, clock.OVERDUE, clock.PAUSED, clock.DONE}
    field = QueueFilterForm().fields["urgency"]
    assert [str(label) for _, label in field.choices][1:] == [str(clock.URGENCY_LABELS[u]) for u, _ in
                                                               QueueFilterForm.URGENCIES[1:]]


def test_a_queue_filtered_by_urgency_shows_the_same_label_as_its_rows(world, processing, client_of):
    with time_machine.travel(AT + timedelta(hours=1), tick=False):
        actions.do_resolve(processing, actor=world.processor_a, result_text="Cấp Giấy khai sinh.",
                           version=processing.version)
        page = client_of(world.processor_a).get("/hang-doi/", {"urgency": clock.DONE, "tab": "all"})
        page = page.content.decode()
    label = str(clock.URGENCY_LABELS[clock.DONE])
    assert processing.code in page
    assert page.count(label) >= 2  # the filter's option and the row's badge


def test_the_forms_show_the_actions_rules_next_to_their_fields(world, processing):
    from motcua.office.forms import ApologyForm, HandOverForm, ResolveForm

    form = ResolveForm({"version": processing.version, "result_text": "  "}, dossier=processing)
    assert not form.is_valid() and "kết quả bằng văn bản" in form.errors["result_text"][0]
    with time_machine.travel(AT + timedelta(hours=2), tick=False):
        form = ApologyForm({"version": processing.version, "reason": "Chờ", "new_due": "2025-11-06T08:00"},
                           dossier=processing)
        assert not form.is_valid() and "phải sau thời gian hẹn trả hiện tại" in form.errors["new_due"][0]
    with time_machine.travel(T("2025-11-06T09:01+07:00"), tick=False):
        form = ApologyForm({"version": processing.version, "reason": "Trễ", "new_due": "2025-11-12T16:00"},
                           dossier=processing)
        assert not form.is_valid() and "trước thời hạn trả kết quả" in form.non_field_errors()[0]
    form = HandOverForm({"version": processing.version, "to_unit": world.dkkd.pk, "days": "1.5"}, dossier=processing)
    assert form.is_valid() and form.cleaned_data["days"] == Decimal("1.5")
    assert HandOverForm(dossier=processing).fields["days"].max_value == actions.MAX_STEP_DAYS
