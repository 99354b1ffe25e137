"""The index built once and mapped by every process (`indicators/snapshot.py`).

Data is committed here (a snapshot only ever holds committed rows), and a second process is a real
one: a `python` subprocess with the same settings and database, which maps the snapshot this process
published and answers the same JSON.
"""

import json
import os
import random
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.indicators import live, service, snapshot
from motcua.interchange.importer import import_folder

from . import randomdb
from .test_live import _move, same_numbers

pytestmark = pytest.mark.django_db(transaction=True)

FROM, TO = date(2025, 12, 1), date(2026, 1, 31)
NOW = datetime(2026, 1, 20, 10, tzinfo=timezone.get_current_timezone())

_OTHER_PROCESS = """
import json, sys
from datetime import date, datetime
import django
django.setup()
from django.utils import timezone
from motcua.indicators import live, service
date_from, date_to, now = date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
result = service.index_json(date_from, date_to, now=now)
print(json.dumps({"result": result, "refresh": live.engine().last_refresh}))
"""


def _database_url() -> str:
    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{d['NAME']}"
    return f"postgres://{d['USER']}:{d['PASSWORD'] or ''}@{d['HOST']}:{d['PORT']}/{d['NAME']}"


def other_process() -> dict:
    """The index of the period as a fresh process computes it (its result and how it got its columns)."""
    environment = dict(os.environ, DATABASE_URL=_database_url(), MOTCUA_VAR_DIR=str(settings.VAR_DIR),
                       DJANGO_SETTINGS_MODULE="motcua.settings")
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, FROM.isoformat(), TO.isoformat(), NOW.isoformat()],
                          env=environment, capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def snapshots() -> list[str]:
    folder = snapshot.shared_folder(live.engine().mark)
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


@pytest.fixture
def fresh_engine():
    live.reset()
    yield
    live.reset()


def test_a_second_process_maps_the_snapshot_and_answers_the_same(tmp_path, fresh_engine):
    import_folder(randomdb.folder(tmp_path / "in", 3, dossiers=200))
    mine = same_numbers(FROM, TO, NOW)
    assert live.engine().last_refresh["kind"] == "rebuild"  # the first process reads and publishes
    published = snapshots()
    assert len(published) == 1
    other = other_process()
    assert other["refresh"]["kind"] == "snapshot"  # the second maps it, reads no dossier
    assert other["refresh"]["snapshot"] == published[0]
    assert other["result"] == json.loads(json.dumps(mine))
    # The columns really are mapped from the published files, not copies.
    main = live.engine().main
    assert isinstance(main.received.base, np.memmap)


def test_a_change_after_the_snapshot_is_seen_by_both_processes(tmp_path, fresh_engine):
    import_folder(randomdb.folder(tmp_path / "in", 4, dossiers=200))
    before = same_numbers(FROM, TO, NOW)
    published = snapshots()
    rnd = random.Random(4)
    moved = 0
    for pk in rnd.sample(list(Dossier.objects.values_list("id", flat=True)), 30):
        moved += _move(Dossier.objects.get(pk=pk), rnd, randomdb.moment(rnd, first=10, span=40))
    assert moved > 0
    after = same_numbers(FROM, TO, NOW)  # this process: incremental, over its mapped columns
    assert live.engine().last_refresh["kind"] == "incremental"
    assert after != before
    other = other_process()  # a fresh process: the old snapshot plus the changes since
    assert other["refresh"]["kind"] == "snapshot"
    assert snapshots() == published  # no new snapshot for a few changes
    assert other["result"] == json.loads(json.dumps(after))


def test_an_import_makes_a_new_snapshot(tmp_path, fresh_engine):
    import_folder(randomdb.folder(tmp_path / "in", 5, dossiers=150))
    same_numbers(FROM, TO, NOW)
    first = snapshots()
    import_folder(randomdb.folder(tmp_path / "again", 6, dossiers=150))  # a new generation
    after = same_numbers(FROM, TO, NOW)
    assert live.engine().last_refresh["kind"] == "rebuild"
    second = snapshots()
    assert len(second) == 1 and second != first  # the old generation's folder is gone
    other = other_process()
    assert other["refresh"]["snapshot"] == second[0]
    assert other["result"] == json.loads(json.dumps(after))


def test_compaction_publishes_a_snapshot_the_other_process_maps(tmp_path, fresh_engine, monkeypatch):
    monkeypatch.setattr(live, "COMPACT_AT", 3)
    import_folder(randomdb.folder(tmp_path / "in", 7, dossiers=150))
    same_numbers(FROM, TO, NOW)
    first = snapshots()
    rnd = random.Random(7)
    for pk in rnd.sample(list(Dossier.objects.values_list("id", flat=True)), 12):
        _move(Dossier.objects.get(pk=pk), rnd, randomdb.moment(rnd, first=20, span=20))
    after = same_numbers(FROM, TO, NOW)
    assert len(live.engine().loose) <= 12
    second = snapshots()
    assert len(second) == 1 and second != first
    other = other_process()
    assert other["refresh"]["snapshot"] == second[0]
    assert other["result"] == json.loads(json.dumps(after))


def test_a_catalog_edit_after_the_snapshot_renumbers_in_the_fresh_process(tmp_path, fresh_engine):
    from motcua.catalog.models import Procedure

    import_folder(randomdb.folder(tmp_path / "in", 8, dossiers=150))
    same_numbers(FROM, TO, NOW)
    procedure = Procedure.objects.order_by("id").first()
    procedure.full_online_eligible = not procedure.full_online_eligible
    procedure.written_result = not procedure.written_result
    procedure.save()  # a signal tells the change clock
    after = same_numbers(FROM, TO, NOW)
    other = other_process()
    assert other["refresh"]["kind"] == "snapshot"
    assert other["result"] == json.loads(json.dumps(after))


def test_no_snapshot_inside_a_transaction(tmp_path, fresh_engine):
    """Rows not yet committed must never reach another process."""
    from django.db import transaction

    from motcua.changes.tracking import watermark

    import_folder(randomdb.folder(tmp_path / "in", 9, dossiers=60))
    with transaction.atomic():
        assert snapshot.shared_folder(watermark()) is None
        service.index_json(FROM, TO, now=NOW)
        assert "snapshot" not in live.engine().last_refresh
    folder = snapshot.shared_folder(watermark())
    with snapshot.locked(folder):
        assert snapshot.latest(folder, watermark()) is None


def test_a_snapshot_that_cannot_be_written_leaves_a_private_index(tmp_path, fresh_engine, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "publish", full_disk)
    import_folder(randomdb.folder(tmp_path / "in", 10, dossiers=80))
    same_numbers(FROM, TO, NOW)
    assert live.engine().last_refresh["kind"] == "rebuild"
    assert "snapshot" not in live.engine().last_refresh
    rnd = random.Random(10)
    for pk in rnd.sample(list(Dossier.objects.values_list("id", flat=True)), 10):
        _move(Dossier.objects.get(pk=pk), rnd, randomdb.moment(rnd, first=10, span=40))
    same_numbers(FROM, TO, NOW)
