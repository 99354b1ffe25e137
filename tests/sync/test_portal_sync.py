"""Dossier versions reach the national portal exactly once, in order, through a stand-in that misbehaves
(interop.md §1): down, 503 with Retry-After, slow, stored-then-500, answered twice, a refusal, wrong
credentials, and an hour-long outage (simulated time; the HTTP is real)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.national import report_version
from motcua.interchange.importer import import_folder
from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker
from motcua.sync.management.commands.sync import status_counts
from motcua.sync.payload import portal_body
from tests.conftest import DOSSIERS, write_folder

pytestmark = pytest.mark.django_db
KIND = "portal.dossier"


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def unsynced(tmp_path):
    """The small record of tests/conftest.py, never synced: every dossier's version 1 waits (backfill)."""
    import_folder(write_folder(tmp_path / "in", dossiers=[{**d, "synced_at": None} for d in DOSSIERS]))
    for dossier in Dossier.objects.all():
        report_version(dossier.code, dossier.version, timezone.now())  # the import did: nothing new
    assert Item.objects.filter(kind=KIND, state=State.WAITING).count() == len(DOSSIERS)
    return list(Dossier.objects.order_by("code"))


def worker(clock):
    return Worker(kinds=[KIND], clock=clock, sleep=clock.sleep)


def held(portal):
    return {code: record["PhienBan"] for code, record in portal.state()["held"].items()}


def test_every_version_is_stored_once_through_every_fault(portal, unsynced):
    portal.faults([{"kind": "down", "times": 2}, {"kind": "status", "status": 503, "retry_after": 5},
                   {"kind": "store_then_error"}, {"kind": "twice"}, {"kind": "slow", "seconds": 0.3}])
    clock = Clock()
    result = worker(clock).run(until_idle=True)
    assert result.acknowledged == len(unsynced)
    state = portal.state()
    assert held(portal) == {d.code: d.version + 1 for d in unsynced}
    assert len(state["stored"]) == len(unsynced)  # stored once each, whatever was retried or duplicated
    assert state["duplicates"] >= 1  # the stored-then-500 item came again with its key
    assert status_counts() == {"waiting": 0, "failed": 0, "acknowledged": len(unsynced)}
    # The body the portal holds is the record's facts.
    for dossier in Dossier.objects.select_related("procedure", "unit", "received_by"):
        assert state["held"][dossier.code] | portal_body(dossier) == state["held"][dossier.code]
        assert dossier.synced_at is not None


def test_synced_at_is_the_first_acknowledgment_and_never_moves(portal, unsynced):
    clock = Clock()
    worker(clock).run(until_idle=True)
    first = {d.code: d.synced_at for d in Dossier.objects.all()}
    dossier = Dossier.objects.get(code=unsynced[0].code)
    Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1)
    report_version(dossier.code, dossier.version + 1, clock())
    clock.now += timedelta(hours=1)
    worker(clock).run(until_idle=True)
    assert {d.code: d.synced_at for d in Dossier.objects.all()} == first
    assert held(portal)[dossier.code] == dossier.version + 2


def test_waiting_versions_are_coalesced_and_nothing_older_overwrites_newer(portal, unsynced):
    dossier = unsynced[0]
    for _ in range(3):  # three more changes before the worker runs
        Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1)
        dossier.refresh_from_db()
        report_version(dossier.code, dossier.version, timezone.now())
    worker(Clock()).run(until_idle=True)
    state = portal.state()
    mine = [s for s in state["stored"] if s["MaHoSo"] == dossier.code]
    assert [s["PhienBan"] for s in mine] == [dossier.version + 1]  # only the newest was sent
    assert state["rejected_older"] == 0
    assert Item.objects.filter(kind=KIND, group=dossier.code, state=State.ACKNOWLEDGED).count() == 4


def test_a_portal_holding_a_newer_version_acknowledges_the_older(portal, unsynced):
    dossier = unsynced[0]
    body = portal_body(Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk))
    import httpx

    newer = {**body, "PhienBan": 9}
    response = httpx.post(f"{portal.url}/dong-bo-ho-so", json=newer,
                          headers=portal.headers(f"{dossier.code}:9"))
    assert response.status_code == 200
    worker(Clock()).run(until_idle=True)
    assert held(portal)[dossier.code] == 9
    assert Item.objects.get(kind=KIND, group=dossier.code).state == State.ACKNOWLEDGED
    assert portal.state()["rejected_older"] == 1


def test_a_refusal_is_listed_and_not_retried(portal, unsynced):
    portal.faults([{"kind": "status", "status": 400, "body": {"KetQua": "LOI", "MoTa": "MaTTHC: không tồn tại"}}])
    worker(Clock()).run(until_idle=True)
    failed = Item.objects.get(kind=KIND, state=State.FAILED)
    assert "MaTTHC" in failed.last_error and failed.attempts == 1
    assert status_counts()["failed"] == 1 and status_counts()["waiting"] == 0


def test_wrong_credentials_stop_the_run_and_mark_nothing(portal, unsynced, settings):
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = "wrong"
    with pytest.raises(UnauthorisedError):
        worker(Clock()).run(until_idle=True)
    assert status_counts() == {"waiting": len(unsynced), "failed": 0, "acknowledged": 0}
    assert not Item.objects.exclude(attempts=0).exists()


def test_an_hour_long_outage_ends_with_everything_synced(portal, unsynced):
    portal.down()  # refuses every request until cleared
    clock = Clock()
    started = clock()
    run = worker(clock).run(max_seconds=3600)
    assert run.stopped_early and run.acknowledged == 0
    assert clock() - started >= timedelta(hours=1)
    # Retried all along, never more than a minute apart, never dropped.
    attempts = list(Item.objects.filter(kind=KIND).values_list("attempts", flat=True))
    assert min(attempts) >= 55 and status_counts()["waiting"] == len(unsynced)
    portal.clear()
    worker(clock).run(until_idle=True)
    assert status_counts() == {"waiting": 0, "failed": 0, "acknowledged": len(unsynced)}
    assert len(portal.state()["stored"]) == len(unsynced)


def test_reconciliation_names_the_gaps(portal, unsynced):
    from motcua.sync.portal import reconcile

    worker(Clock()).run(until_idle=True)
    dossier = unsynced[1]
    Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1)  # a change not yet sent
    result = reconcile(datetime(2025, 10, 1).date(), datetime(2025, 11, 30).date())
    assert result["local"] == result["at_portal"] == len(unsynced)
    assert result["missing_at_portal"] == [] and result["unknown_at_portal"] == []
    assert result["behind_at_portal"] == [dossier.code]


def test_each_version_is_written_to_the_outbox_with_its_change(small_folder):
    from motcua.dossiers.lifecycle import transition

    import_folder(small_folder)
    items = dict(Item.objects.filter(kind=KIND).values_list("key", "state"))
    # Imported with synced_at: version 1 is held at the portal; without it: waiting (backfill).
    for d in DOSSIERS:
        expected = State.WAITING if d["synced_at"] is None else State.ACKNOWLEDGED
        assert items[f"{d['code']}:1"] == expected, d["code"]
    dossier = Dossier.objects.get(code="05443-251030-0002")
    transition(dossier, "request_fees", at=timezone.now())
    assert Item.objects.get(kind=KIND, key=f"{dossier.code}:2").state == State.WAITING
    # Importing the same folder again changes nothing and reports nothing new.
    before = Item.objects.count()
    import_folder(small_folder)
    assert Item.objects.count() == before


def test_a_refused_transition_reports_nothing(small_folder):
    from motcua.dossiers.lifecycle import TransitionError, transition

    import_folder(small_folder)
    before = Item.objects.count()
    with pytest.raises(TransitionError):
        transition(Dossier.objects.get(code="05443-251030-0002"), "return_result", at=timezone.now())
    assert Item.objects.count() == before


def test_indicator_1_4_reaches_100_percent_once_every_dossier_is_acknowledged(portal, unsynced):
    from datetime import date

    from motcua.indicators import service

    def synced_rate():  # a period up to today: the acknowledgments happen now
        result = service.index_json(date(2025, 10, 1), timezone.localdate())
        return next(i for i in result["units"][0]["indicators"] if i["id"] == "1.4")

    assert synced_rate()["numerator"] == 0
    worker(Clock()).run(until_idle=True)
    rate = synced_rate()
    assert rate["numerator"] == rate["denominator"] == len(unsynced) and rate["rate"] == 1.0
