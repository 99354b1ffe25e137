"""A large initial load builds the dossier indexes after writing: same rows, same indexes afterwards."""

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange import importer
from motcua.interchange.bulkload import _secondary_index_definitions
from motcua.interchange.importer import import_folder

pytestmark = pytest.mark.django_db


def _indexes(model=Dossier):
    return sorted(name for name, _sql in _secondary_index_definitions(connection, model._meta.db_table))


def test_bulk_load_keeps_every_row_and_restores_every_index(small_folder, monkeypatch):
    before, events_before = _indexes(), _indexes(DossierEvent)
    assert len(before) >= 5 and events_before
    monkeypatch.setattr(importer, "BULK_LOAD_MIN_ROWS", 1)
    import_folder(small_folder)
    assert _indexes() == before and _indexes(DossierEvent) == events_before
    assert Dossier.objects.count() == 4 and DossierEvent.objects.filter(action="import").count() == 4
    assert Dossier.objects.filter(unit__code="05443").count() == 2


def test_a_failed_bulk_load_leaves_the_indexes_in_place(small_folder, monkeypatch):
    before, events_before = _indexes(), _indexes(DossierEvent)
    monkeypatch.setattr(importer, "BULK_LOAD_MIN_ROWS", 1)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_write_feedback", explode)
    with pytest.raises(RuntimeError):
        import_folder(small_folder)
    assert _indexes() == before and _indexes(DossierEvent) == events_before
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
