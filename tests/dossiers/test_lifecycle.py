"""The dossier state machine: the literal table, one transition function, compare-and-update."""

from datetime import datetime

import pytest

from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import (
    TRANSITIONS,
    ConcurrentChange,
    TransitionError,
    allowed_actions,
    transition,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange.importer import import_folder

pytestmark = pytest.mark.django_db
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")


def _officer_events(dossier):
    """The events after the import's own ("import", written when the fixture imported the dossier)."""
    return DossierEvent.objects.filter(dossier=dossier).exclude(action="import")


@pytest.fixture
def processing(small_folder):
    import_folder(small_folder)
    dossier = Dossier.objects.get(code="05443-251030-0002")
    dossier.pauses.all().delete()
    assert dossier.status == Status.PROCESSING
    return dossier


@pytest.mark.parametrize(("state", "action"), sorted(TRANSITIONS, key=lambda k: (k[0], k[1])))
def test_every_allowed_transition_moves_to_its_target_and_writes_one_event(processing, state, action):
    Dossier.objects.filter(pk=processing.pk).update(status=state)
    processing.refresh_from_db()
    if action in ("complete_supplement", "fees_paid"):
        kind = "supplement" if action == "complete_supplement" else "fee_wait"
        processing.pauses.create(kind=kind, requested_at=AT)
    outcome = transition(processing, action, note="kiểm thử", at=AT)
    stored = Dossier.objects.get(pk=processing.pk)
    assert stored.status == TRANSITIONS[(state, action)]
    assert stored.version == 1
    event = _officer_events(processing).get()
    assert (event.old_status, event.new_status, event.action) == (state, stored.status, action)
    assert outcome.event == event


def test_an_action_not_in_the_table_is_refused_and_changes_nothing(processing):
    with pytest.raises(TransitionError):
        transition(processing, "return_result", at=AT)
    assert Dossier.objects.get(pk=processing.pk).status == Status.PROCESSING
    assert not _officer_events(processing).exists()


def test_two_officers_acting_on_one_dossier_only_one_wins(processing):
    first = Dossier.objects.get(pk=processing.pk)
    second = Dossier.objects.get(pk=processing.pk)
    transition(first, "resolve", at=AT)
    with pytest.raises(ConcurrentChange):
        transition(second, "stop", at=AT)
    stored = Dossier.objects.get(pk=processing.pk)
    assert stored.status == Status.RESOLVED and stored.ended == ""
    assert _officer_events(processing).count() == 1


def test_a_supplement_may_be_requested_only_once(processing):
    transition(processing, "request_supplement", at=AT)
    transition(processing, "complete_supplement", at=AT.replace(day=6))
    with pytest.raises(TransitionError):
        transition(processing, "request_supplement", at=AT.replace(day=7))
    stored = Dossier.objects.get(pk=processing.pk)
    assert stored.status == Status.PROCESSING and stored.pauses.count() == 1
    assert _officer_events(processing).count() == 2


def test_resolve_and_return_record_their_moments(processing):
    transition(processing, "resolve", at=AT)
    transition(processing, "return_result", at=AT.replace(hour=10))
    stored = Dossier.objects.get(pk=processing.pk)
    assert stored.resolved_at == AT and stored.returned_at == AT.replace(hour=10)
    assert allowed_actions(stored.status) == []


def test_events_are_append_only(processing):
    outcome = transition(processing, "resolve", at=AT)
    with pytest.raises(ValueError):
        outcome.event.save()
    with pytest.raises(ValueError):
        outcome.event.delete()
