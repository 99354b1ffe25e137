"""The outbox worker's rules, with a scripted handler for a test kind and a simulated clock: order per
group, coalescing, backoff, refusals, wrong credentials, leases that outlive a killed worker."""

from datetime import datetime, timedelta

import pytest

from motcua.outbox import worker as worker_module
from motcua.outbox.delivery import MAX_BACKOFF, Acknowledged, Refused, Transient, Unauthorised, backoff
from motcua.outbox.models import Item, State
from motcua.outbox.queue import enqueue

pytestmark = pytest.mark.django_db
START = datetime.fromisoformat("2026-01-05T08:00:00+07:00")


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


class Scripted:
    """Answers from a script per key (default: acknowledged); records what was sent."""

    def __init__(self, coalesce=False):
        self.coalesce = coalesce
        self.script: dict[str, list] = {}
        self.sent: list[str] = []
        self.acks: list[str] = []

    def deliver(self, item):
        self.sent.append(item.key)
        answers = self.script.get(item.key)
        return answers.pop(0) if answers else Acknowledged()

    def acknowledged(self, item, at):
        self.acks.append(item.key)


@pytest.fixture
def handler(settings, monkeypatch):
    scripted = Scripted()
    settings.MOTCUA_OUTBOX_HANDLERS = {"test.kind": "unused"}
    monkeypatch.setattr(worker_module, "handler_for", lambda kind: scripted)
    return scripted


def make_worker(clock, **kwargs):
    return worker_module.Worker(kinds=["test.kind"], clock=clock, sleep=clock.sleep, **kwargs)


def test_items_of_a_group_go_in_order_one_at_a_time(handler):
    clock = Clock()
    for n in (1, 2, 3):
        enqueue("test.kind", f"A:{n}", {}, group="A", at=START)
    enqueue("test.kind", "B:1", {}, group="B", at=START)
    handler.script["A:1"] = [Transient("503")]
    worker = make_worker(clock)
    worker.run_once()
    # A:1 failed transiently: A:2 and A:3 wait behind it; B went.
    assert handler.sent == ["A:1", "B:1"]
    worker.run(until_idle=True)
    assert handler.sent == ["A:1", "B:1", "A:1", "A:2", "A:3"]
    assert set(Item.objects.values_list("state", flat=True)) == {State.ACKNOWLEDGED}


def test_a_coalescing_handler_sends_the_newest_and_covers_the_older(handler):
    handler.coalesce = True
    clock = Clock()
    for n in (1, 2, 3):
        enqueue("test.kind", f"A:{n}", {}, group="A", at=START)
    make_worker(clock).run(until_idle=True)
    assert handler.sent == ["A:3"] and handler.acks == ["A:3"]
    assert Item.objects.filter(state=State.ACKNOWLEDGED).count() == 3


def test_transient_failures_back_off_and_honour_retry_after(handler):
    clock = Clock()
    enqueue("test.kind", "A:1", {}, group="A", at=START)
    handler.script["A:1"] = [Transient("429", retry_after=30), Transient("timeout")]
    worker = make_worker(clock)
    worker.run_once()
    item = Item.objects.get()
    assert item.attempts == 1 and item.next_attempt_at >= START + timedelta(seconds=30)
    assert worker.run_once().sent == 0  # not due yet
    worker.run(until_idle=True)
    assert Item.objects.get().state == State.ACKNOWLEDGED and handler.sent == ["A:1"] * 3


def test_backoff_grows_and_stops_at_a_minute():
    import random

    rng = random.Random(1)
    waits = [backoff(n, rng=rng) for n in range(1, 12)]
    assert backoff(10_000, rng=rng) <= MAX_BACKOFF  # no overflow after a long outage
    assert waits[0] <= timedelta(seconds=1) and max(waits) <= MAX_BACKOFF
    assert waits[-1] >= timedelta(seconds=30)  # jitter keeps it within [50 %, 100 %] of the ceiling
    assert backoff(1, retry_after=600) == MAX_BACKOFF


def test_a_refusal_is_listed_with_its_reason_and_not_retried(handler):
    clock = Clock()
    enqueue("test.kind", "A:1", {}, group="A", at=START)
    enqueue("test.kind", "A:2", {}, group="A", at=START)
    handler.script["A:1"] = [Refused("MaTTHC không tồn tại")]
    make_worker(clock).run(until_idle=True)
    first, second = Item.objects.order_by("id")
    assert (first.state, first.last_error) == (State.FAILED, "MaTTHC không tồn tại")
    assert second.state == State.ACKNOWLEDGED  # a failed item does not block its group
    assert handler.sent == ["A:1", "A:2"]


def test_wrong_credentials_stop_the_run_and_mark_nothing(handler):
    clock = Clock()
    enqueue("test.kind", "A:1", {}, group="A", at=START)
    handler.script["A:1"] = [Unauthorised("401")]
    with pytest.raises(worker_module.UnauthorisedError):
        make_worker(clock).run(until_idle=True)
    item = Item.objects.get()
    assert (item.state, item.attempts, item.leased_until) == (State.WAITING, 0, None)


def test_a_claimed_item_of_a_killed_worker_is_sent_again_after_its_lease(handler):
    clock = Clock()
    enqueue("test.kind", "A:1", {}, group="A", at=START)
    dead = make_worker(clock, lease=timedelta(seconds=120))
    assert [i.key for i in dead.claim()] == ["A:1"]  # then the worker dies before recording anything
    alive = make_worker(clock)
    assert alive.claim() == []  # still leased
    clock.now += timedelta(seconds=121)
    alive.run(until_idle=True)
    assert handler.sent == ["A:1"] and Item.objects.get().state == State.ACKNOWLEDGED


def test_enqueue_is_idempotent_by_kind_and_key():
    assert enqueue("test.kind", "A:1", {}, group="A") is not None
    assert enqueue("test.kind", "A:1", {}, group="A") is None
    assert Item.objects.count() == 1


def test_max_seconds_stops_with_work_left(handler):
    clock = Clock()
    enqueue("test.kind", "A:1", {}, group="A", at=START)
    handler.script["A:1"] = [Transient("503")] * 1000
    result = make_worker(clock).run(until_idle=True, max_seconds=300)
    assert result.stopped_early and Item.objects.get().state == State.WAITING
    assert clock.now - START <= timedelta(seconds=301)
