"""The feedback state machine: each step writes its event and tells the index; wrong statuses and stale
versions change nothing; re-raising links a new item and marks the first."""

from datetime import timedelta

import pytest

from motcua.changes.tracking import watermark
from motcua.feedback import lifecycle
from motcua.feedback.constants import Channel, Status
from motcua.feedback.lifecycle import ConcurrentChange, TransitionError
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.office import feedback_actions as fa
from tests.feedback.conftest import AT, file_item

ACTIONS = sorted({action for (_status, action) in lifecycle.TRANSITIONS})


def test_receive_numbers_the_item_and_writes_its_first_event(world, item):
    assert item.code == "PA-05443-251105-0001"
    assert (item.status, item.version, item.received_at, item.channel) == (Status.RECEIVED, 0, AT, Channel.PORTAL)
    event = FeedbackEvent.objects.get(feedback=item)
    assert (event.action, event.old_status, event.new_status, event.at) == ("receive", "", Status.RECEIVED, AT)
    assert file_item(world).code == "PA-05443-251105-0002"


def test_every_step_tells_the_index(world, item):
    before = watermark().catalog
    fa.do_assign(item, actor=world.leader_a, assignee=world.processor_a, version=item.version)
    assert watermark().catalog == before + 1


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", ACTIONS)
def test_the_table_decides_what_is_allowed(world, item, status, action):
    Feedback.objects.filter(pk=item.pk).update(status=status)
    item.refresh_from_db()
    changes = {"rating": "satisfied"} if action == "rate" else {"unit": world.commune_b} if action == "transfer" else {}
    events = FeedbackEvent.objects.count()
    if (status, action) in lifecycle.TRANSITIONS:
        outcome = lifecycle.transition(item, action, actor=world.leader_a, changes=changes, at=AT + timedelta(days=1))
        assert outcome.feedback.status == lifecycle.TRANSITIONS[(status, action)]
        assert Feedback.objects.get(pk=item.pk).version == 1
        assert outcome.event.old_status == status and outcome.event.action == action
        assert FeedbackEvent.objects.count() == events + 1
    else:
        with pytest.raises(TransitionError):
            lifecycle.transition(item, action, actor=world.leader_a, changes=changes)
        assert Feedback.objects.get(pk=item.pk).version == 0
        assert FeedbackEvent.objects.count() == events


def test_a_stale_version_changes_nothing(world, item):
    stale = Feedback.objects.get(pk=item.pk)
    fa.do_assign(item, actor=world.leader_a, assignee=world.processor_a, version=0)
    with pytest.raises(ConcurrentChange):
        lifecycle.transition(stale, "refuse", actor=world.leader_a)
    with pytest.raises(ConcurrentChange):
        fa.do_refuse(item, actor=world.leader_a, reason="Trùng lặp", version=0)  # the form's old version
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.status, fresh.refused_at, fresh.version) == (Status.RECEIVED, None, 1)


def test_the_moments_of_each_step_are_set(world, item):
    t1, t2, t3 = AT + timedelta(days=1), AT + timedelta(days=2), AT + timedelta(days=3)
    lifecycle.transition(item, "request_info", actor=world.processor_a, at=t1, note="Số hồ sơ?")
    lifecycle.transition(item, "add_info", actor_label="Nguyễn Văn An", at=t2, note="05443-251030-0001")
    lifecycle.transition(item, "request_info", actor=world.processor_a, at=t3, note="Ngày nộp?")
    assert item.info_requested_at == t1  # the first request is the one with a deadline
    lifecycle.transition(item, "add_info", actor_label="Nguyễn Văn An", at=t3)
    lifecycle.transition(item, "answer", actor=world.leader_a, at=t3)
    lifecycle.transition(item, "publish", actor=world.processor_a, at=t3 + timedelta(hours=1))
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.info_requested_at, fresh.answered_at, fresh.published_at) == (t1, t3, t3 + timedelta(hours=1))
    assert list(fresh.events.values_list("action", flat=True)) == [
        "receive", "request_info", "add_info", "request_info", "add_info", "answer", "publish"]


def test_an_imported_item_is_in_the_status_its_moments_say(world):
    imported = Feedback.objects.create(code="PAKN-X", unit=world.commune_a, received_at=AT,
                                       answered_at=AT + timedelta(days=3))
    assert imported.current_status == Status.ANSWERED and imported.channel == Channel.IMPORT
    lifecycle.transition(imported, "publish", actor=world.processor_a)
    assert Feedback.objects.get(pk=imported.pk).status == Status.PUBLISHED


def test_raising_again_creates_a_linked_item_and_marks_the_first(world, item):
    lifecycle.transition(item, "answer", actor=world.leader_a, at=AT + timedelta(days=3))
    again = fa.do_raise_again(item, fa.Submission(
        unit=item.unit, about=item.about, subject="Chưa đồng ý", content="Trả lời chưa đúng nội dung.",
        procedure=item.procedure, name="Nguyễn Văn An", phone="0912345678"), at=AT + timedelta(days=4))
    item.refresh_from_db()
    assert item.raised_again and item.status == Status.ANSWERED
    assert again.previous == item and not again.raised_again and again.status == Status.RECEIVED
    assert again.received_at == AT + timedelta(days=4)
    with pytest.raises(TransitionError):  # once: the new item is the one to raise again next
        fa.do_raise_again(item, fa.Submission(unit=item.unit, about=item.about, subject="", content="Lần nữa",
                                              procedure=item.procedure, name="An", phone="0912345678"))
    assert Feedback.objects.count() == 2


def test_raising_again_an_open_item_is_refused_and_creates_nothing(world, item):
    new = Feedback(unit=item.unit, channel=Channel.PORTAL, content="x")
    with pytest.raises(TransitionError):
        lifecycle.raise_again(item, new)
    assert new.pk is None and Feedback.objects.count() == 1 and not Feedback.objects.get(pk=item.pk).raised_again
