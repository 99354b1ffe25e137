"""The lifecycle's two other ways in: `create_dossier` (initial statuses) and `ImportedDossiers` (imports).

A transition is tested in test_lifecycle.py; here, the first status of a dossier created in this system,
and the statuses, versions and "import" events an import writes: one event per dossier it creates or
changes, none for a dossier it writes again unchanged, and no query per dossier.
"""

from datetime import datetime

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from motcua.changes.models import DossierStamp
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.lifecycle import INITIAL_STATUSES, ImportedDossiers, create_dossier, transition
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause
from motcua.interchange import importer
from motcua.interchange.importer import import_folder
from motcua.interchange.models import ImportBatch
from motcua.units.models import Unit
from tests.conftest import DOSSIERS, FEEDBACK, dossier, write_folder

pytestmark = pytest.mark.django_db
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")


def _new_dossier(code="05443-251105-0001", **fields):
    unit = Unit.objects.get(code="05443")
    return Dossier(code=code, procedure=importer.Procedure.objects.get(code="1.001193"), unit=unit,
                   received_by=unit, channel=Channel.IN_PERSON, received_at=AT, due_at=AT.replace(day=6),
                   holder=unit, **fields)


def _state():
    """Every dossier's (status, version) and every event, to compare before and after an import."""
    return (sorted(Dossier.objects.values_list("code", "status", "version")),
            sorted(DossierEvent.objects.values_list("id", "dossier__code", "action", "old_status", "new_status")))


# --- create_dossier ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("origin", "status"), [("desk", Status.RECEIVED), ("online", Status.SUBMITTED)])
def test_a_created_dossier_starts_in_the_initial_status_of_its_origin(small_folder, origin, status):
    import_folder(small_folder)
    assert INITIAL_STATUSES[origin] == status
    outcome = create_dossier(_new_dossier(), origin, note="kiểm thử", data={"unit": "05443"})
    stored = Dossier.objects.get(pk=outcome.dossier.pk)
    assert (stored.status, stored.version) == (status, 0)
    event = DossierEvent.objects.get(dossier=stored)
    assert (event.action, event.old_status, event.new_status, event.at) == ("create", None, status, AT)
    assert event == outcome.event and event.data == {"unit": "05443"}
    assert DossierStamp.objects.filter(dossier_id=stored.pk).exists()


def test_create_refuses_a_status_set_by_the_caller_and_a_saved_dossier(small_folder):
    import_folder(small_folder)
    with pytest.raises(ValueError):
        create_dossier(_new_dossier(status=Status.RETURNED), "desk")
    with pytest.raises(ValueError):
        create_dossier(Dossier.objects.first(), "desk")
    with pytest.raises(KeyError):
        create_dossier(_new_dossier(), "fax")
    assert not Dossier.objects.filter(code="05443-251105-0001").exists()


def test_a_failed_creation_leaves_nothing_and_the_dossier_new(small_folder):
    import_folder(small_folder)
    taken = _new_dossier(code=Dossier.objects.first().code)  # a duplicate code: the insert fails
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (IntegrityError, backend-specific)
        create_dossier(taken, "desk")
    assert taken.pk is None and taken.status is None
    assert not DossierEvent.objects.filter(action="create").exists()


# --- ImportedDossiers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("bulk", [False, True], ids=["orm", "bulk-load"])
def test_an_import_gives_every_new_dossier_version_0_and_one_import_event(small_folder, monkeypatch, bulk):
    if bulk:
        monkeypatch.setattr(importer, "BULK_LOAD_MIN_ROWS", 1)
    batch = import_folder(small_folder).batch
    assert Dossier.objects.count() == 4 and DossierEvent.objects.count() == 4
    for stored in Dossier.objects.all():
        event = DossierEvent.objects.get(dossier=stored)
        assert (stored.version, stored.import_batch_id) == (0, batch.pk)
        assert (event.action, event.old_status, event.new_status) == ("import", None, stored.status)
        assert (event.at, event.data, event.actor, event.actor_label, event.note) == (
            batch.imported_at, {"batch": batch.pk}, None, "", "")


def test_writing_the_same_dossiers_again_changes_no_status_version_or_event(small_folder, tmp_path):
    import_folder(small_folder)
    processing = Dossier.objects.get(code="05443-251030-0002")
    transition(processing, "apologize", at=AT)  # an officer's change that touches no imported column
    before = _state()
    pause_ids = sorted(DossierPause.objects.values_list("id", flat=True))
    # Other feedback, so that the folder's digest differs and its dossiers are read and written again.
    again = import_folder(write_folder(tmp_path / "again", feedback=[FEEDBACK[0] | {"rating": "unsatisfied"}]))
    assert not again.already_imported and again.counts["dossiers"] == 4
    assert _state() == before
    assert Dossier.objects.get(pk=processing.pk).version == 1
    assert sorted(DossierPause.objects.values_list("id", flat=True)) == pause_ids  # not rewritten either
    assert set(Dossier.objects.values_list("import_batch_id", flat=True)) == {again.batch.pk}


def test_a_reimport_that_changes_a_dossier_bumps_its_version_and_writes_one_event(small_folder, tmp_path):
    import_folder(small_folder)
    code = "05443-251030-0002"
    before = Dossier.objects.get(code=code)
    assert before.status == Status.PROCESSING
    changed = [dict(d) for d in DOSSIERS]
    changed[1] = changed[1] | {"resolved_at": "2025-10-31T08:00:00+07:00"}
    changed[2] = changed[2] | {"fee_vnd": 100001}  # a change that keeps the status
    result = import_folder(write_folder(tmp_path / "again", dossiers=changed))
    stored = {d.code: d for d in Dossier.objects.all()}
    assert stored[code].status == Status.RESOLVED and stored[code].version == 1
    event = DossierEvent.objects.get(dossier=before, action="import", data={"batch": result.batch.pk})
    assert (event.old_status, event.new_status, event.at) == (Status.PROCESSING, Status.RESOLVED,
                                                              result.batch.imported_at)
    fees = stored["19.STC.DKKD-251103-0001"]
    assert fees.version == 1 and fees.status == Status.WAITING_FEES
    assert DossierEvent.objects.filter(dossier=fees).count() == 2
    for untouched in ("05443-251030-0001", "05710-251104-0001"):
        assert stored[untouched].version == 0 and stored[untouched].events.count() == 1
    assert DossierEvent.objects.count() == 4 + 2


def test_an_import_makes_no_query_per_dossier(tmp_path):
    tables = [f'"{model._meta.db_table}"' for model in (Dossier, DossierEvent, DossierPause)]
    supplement = [{"requested_at": "2025-10-30T10:00:00+07:00", "completed_at": None}]

    def dossier_queries(name, n, **changes):
        lines = [dossier(f"05443-251030-{i:04d}", supplements=supplement, **changes) for i in range(1, n + 1)]
        folder = write_folder(tmp_path / name, dossiers=lines, feedback=[FEEDBACK[0] | {"code": f"PAKN-{name}"}])
        with CaptureQueriesContext(connection) as queries:
            import_folder(folder)
        return sum(1 for q in queries.captured_queries if any(table in q["sql"] for table in tables))

    counts = {}
    # At most 25: SQLite takes 999 parameters per statement, so the ORM upsert of more rows of 33 columns
    # is split in two (one query per 30 rows, not per row, but the counts would differ).
    for n in (5, 25):
        counts[n] = (dossier_queries(f"new{n}", n), dossier_queries(f"changed{n}", n, fee_vnd=1000),
                     dossier_queries(f"same{n}", n, fee_vnd=1000))
        assert DossierEvent.objects.filter(action="import").count() == 2 * n  # created, then changed once
        assert set(Dossier.objects.values_list("version", flat=True)) == {1}
        Dossier.objects.all().delete()
    assert counts[5] == counts[25]


def test_the_ledger_writes_only_inside_a_transaction(monkeypatch):
    batch = ImportBatch.objects.create(folder="x", digest="x")
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)  # as if no transaction were open
    with pytest.raises(transaction.TransactionManagementError):
        ImportedDossiers(batch)
