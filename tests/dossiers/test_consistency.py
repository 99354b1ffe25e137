"""The load test's after-run check (motcua.dossiers.consistency): whole dossiers pass; each kind of half-written
dossier is named; claims are matched to events, lost and doubled ones counted."""

from datetime import datetime

import pytest

from motcua.changes.models import DossierStamp
from motcua.dossiers import national
from motcua.dossiers.consistency import Claim, half_written, reconcile
from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange.importer import import_folder
from motcua.outbox.models import Item

pytestmark = pytest.mark.django_db
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")
CODE = "05443-251030-0002"  # open, in processing after the import


@pytest.fixture
def moved(small_folder):
    """The open dossier moved twice (assign, resolve) after its import: versions 0 → 2."""
    import_folder(small_folder)
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.status == Status.PROCESSING and dossier.version == 0
    transition(dossier, "assign", at=AT)
    transition(dossier, "resolve", at=AT)
    return dossier


def test_whole_dossiers_pass(moved):
    assert half_written(Dossier.objects.values_list("pk", flat=True)) == []


def test_a_status_written_without_its_event_is_named(moved):
    # As a writer outside the lifecycle would leave it: the status and version moved, no event.
    Dossier.objects.filter(pk=moved.pk).update(status=Status.RETURNED, version=3)
    [problem] = half_written([moved.pk])
    assert problem.code == CODE and "3 sự kiện cho phiên bản 3" in problem.reason


def test_a_status_that_is_not_its_last_events_is_named(moved):
    Dossier.objects.filter(pk=moved.pk).update(status=Status.RETURNED)
    [problem] = half_written([moved.pk])
    assert "khác trạng thái của sự kiện cuối" in problem.reason


def test_a_broken_chain_of_statuses_is_named(moved):
    last = DossierEvent.objects.filter(dossier=moved).latest("id")
    DossierEvent.objects.filter(pk=last.pk).update(old_status=Status.SUBMITTED)
    [problem] = half_written([moved.pk])
    assert f"sự kiện {last.pk} (resolve)" in problem.reason


def test_a_missing_change_stamp_or_portal_item_is_named(moved):
    Item.objects.filter(kind=national.KIND, key=f"{CODE}:3").delete()
    [problem] = half_written([moved.pk])
    assert "Cổng quốc gia cho phiên bản 2" in problem.reason
    DossierStamp.objects.filter(dossier_id=moved.pk).delete()
    [problem] = half_written([moved.pk])
    assert "dấu thay đổi" in problem.reason


def test_claims_answered_done_and_written_once_are_confirmed(moved):
    tally = reconcile([Claim(CODE, 0, "assign"), Claim(CODE, 1, "resolve")])
    assert (tally.confirmed, tally.lost, tally.doubled) == (2, [], [])


def test_a_claim_done_but_not_written_is_lost(moved):
    tally = reconcile([Claim(CODE, 0, "assign"), Claim(CODE, 1, "resolve"), Claim(CODE, 2, "return_result")])
    assert tally.confirmed == 2 and tally.lost == [f"{CODE} v2 return_result"]
    # The event at that version is another action: lost as well.
    assert reconcile([Claim(CODE, 0, "assign"), Claim(CODE, 1, "stop")]).lost == [f"{CODE} v1 stop"]


def test_two_answers_for_one_event_and_an_event_nobody_asked_for_are_doubled_or_lost(moved):
    tally = reconcile([Claim(CODE, 0, "assign"), Claim(CODE, 0, "assign"), Claim(CODE, 1, "resolve")])
    assert tally.confirmed == 2 and len(tally.lost) == 1 and "hai lần" in tally.lost[0]
    tally = reconcile([Claim(CODE, 0, "assign")])  # the resolve was written, nobody claimed it
    assert tally.confirmed == 1 and len(tally.doubled) == 1 and "(resolve)" in tally.doubled[0]


def test_claims_without_an_answer_are_counted_committed_or_not(moved):
    tally = reconcile([Claim(CODE, 0, "assign"), Claim(CODE, 1, "resolve", answered=False),
                       Claim(CODE, 2, "return_result", answered=False)])
    assert (tally.confirmed, tally.unanswered_committed, tally.unanswered_not_committed) == (1, 1, 1)
    assert tally.lost == [] and tally.doubled == []
    assert tally.as_dict()["lost"] == 0


def test_events_are_ordered_by_id_not_by_time(moved):
    # Two events in one instant (AT): the order written, which is the order of the ids, decides.
    events = list(DossierEvent.objects.filter(dossier=moved).order_by("id").values_list("action", flat=True))
    assert events == ["import", "assign", "resolve"]
    assert reconcile([Claim(CODE, 1, "resolve")]).confirmed == 1
