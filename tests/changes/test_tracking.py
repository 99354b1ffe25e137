"""The one change-detection mechanism: every lifecycle write stamps its dossier in its own transaction."""

from datetime import datetime

import pytest
from django.db import transaction

from motcua.changes.models import DossierStamp
from motcua.changes.tracking import stamped_since, watermark
from motcua.dossiers.lifecycle import TransitionError, transition
from motcua.dossiers.models import Dossier
from motcua.interchange.importer import import_folder

pytestmark = pytest.mark.django_db
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")


@pytest.fixture
def processing(small_folder):
    import_folder(small_folder)
    dossier = Dossier.objects.get(code="05443-251030-0002")
    dossier.pauses.all().delete()
    return dossier


def test_a_transition_stamps_its_dossier_with_a_new_seq(processing):
    before = watermark()
    transition(processing, "request_fees", at=AT)
    after = watermark()
    assert after.seq > before.seq
    assert stamped_since(before) == [processing.pk]
    assert DossierStamp.objects.get(dossier_id=processing.pk).seq == after.seq


def test_a_refused_transition_leaves_no_stamp(processing):
    before = watermark()
    with pytest.raises(TransitionError):
        transition(processing, "return_result", at=AT)
    assert watermark()[:4] == before[:4]
    assert stamped_since(before) == []


def test_a_rolled_back_transition_leaves_no_stamp(processing):
    before = watermark()
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(processing, "request_fees", at=AT)
        raise RuntimeError("the caller's transaction fails after the transition")
    assert watermark()[:4] == before[:4]
    assert stamped_since(before) == []


def test_an_import_starts_a_new_generation(small_folder):
    before = watermark()
    import_folder(small_folder)
    after = watermark()
    assert after.generation == before.generation + 1
    assert after.token != before.token
