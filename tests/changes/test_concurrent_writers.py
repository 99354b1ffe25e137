"""PostgreSQL, two real connections: writers of different dossiers never wait for each other, and a reader
never misses a transaction that stamped early and committed late."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from motcua.changes.models import DossierStamp
from motcua.changes.tracking import dossiers_changed, stamped_since, watermark
from motcua.core.models import AuditEntry
from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange.importer import import_folder

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL only")]
WAIT = 20  # seconds a step may take before the test calls it stuck


class OpenTransaction(threading.Thread):
    """Runs `work` in a transaction on its own connection, then holds the transaction open until released."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.done, self.release = work, threading.Event(), threading.Event()
        self.result = self.error = None

    def run(self):
        try:
            with transaction.atomic():
                self.result = self.work()
                self.done.set()
                assert self.release.wait(WAIT), "never released"
        except BaseException as error:  # noqa: BLE001 — reported by the test thread
            self.error = error
            self.done.set()
        finally:
            connections.close_all()

    def finish(self):
        self.release.set()
        self.join(WAIT)
        assert not self.is_alive() and self.error is None, self.error


@pytest.fixture
def two_processing(small_folder):
    import_folder(small_folder)
    pks = list(Dossier.objects.order_by("pk").values_list("pk", flat=True)[:2])
    Dossier.objects.filter(pk__in=pks).update(status=Status.PROCESSING)  # two dossiers "apologize" can move
    return tuple(Dossier.objects.filter(pk__in=pks).order_by("pk"))


def test_a_transaction_that_stamps_first_and_commits_last_is_still_seen(two_processing):
    early, late = two_processing
    start = watermark()
    a = OpenTransaction(lambda: dossiers_changed([early.pk]))
    a.start()
    assert a.done.wait(WAIT) and a.error is None
    seq_b = dossiers_changed([late.pk])  # B: autocommit, commits while A is still open
    assert a.result < seq_b  # A took its number first …
    assert stamped_since(start) == [late.pk]  # … and is not visible yet
    mark = watermark()  # a reader reads after B's commit, with A still open
    a.finish()  # A commits after B
    # A counter-only cursor would skip A (its seq is below what the reader saw); the snapshot cursor does not.
    assert DossierStamp.objects.filter(seq__gt=mark.seq).count() == 0
    assert stamped_since(mark) == [early.pk]
    assert stamped_since(watermark()) == []


def test_transitions_of_different_dossiers_commit_while_the_other_is_open(two_processing):
    first, second = two_processing
    entries, versions = AuditEntry.objects.count(), (first.version, second.version)
    a = OpenTransaction(lambda: transition(first, "apologize", note="A giữ giao dịch"))
    a.start()
    assert a.done.wait(WAIT) and a.error is None
    started = time.monotonic()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # any lock wait on a row A holds fails the test at once
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            transition(second, "apologize", note="B không phải chờ")
    except OperationalError as error:
        a.finish()
        pytest.fail(f"B waited for A's locks: {error}")
    took = time.monotonic() - started
    assert not DossierEvent.objects.filter(dossier=first, note="A giữ giao dịch").exists()  # A still open
    a.finish()
    assert took < 2
    assert (Dossier.objects.get(pk=first.pk).version, Dossier.objects.get(pk=second.pk).version) == \
        (versions[0] + 1, versions[1] + 1)
    assert AuditEntry.objects.count() == entries + 2


def test_a_mark_without_a_cursor_re_reads_every_stamp(two_processing):
    first, second = two_processing
    dossiers_changed([first.pk])
    dossiers_changed([second.pk])
    old = watermark()._replace(cursor="")  # kept before marks had cursors (a snapshot file, a report)
    assert sorted(stamped_since(old)) == sorted(DossierStamp.objects.values_list("dossier_id", flat=True))
    with pytest.raises(TypeError):
        stamped_since(old.seq)
