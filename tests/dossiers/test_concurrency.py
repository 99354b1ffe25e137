"""Real concurrency: two threads, each with its own database connection, act at the same moment.

Runs on both backends. PostgreSQL: the second compare-and-update waits for the first one's row lock,
then finds the version moved and updates nothing. SQLite (a file database with IMMEDIATE transactions,
motcua/settings.py): the second transaction waits for the first one's write lock (busy timeout), then
finds the version moved. Either way exactly one officer wins and the other gets `ConcurrentChange`.
"""

import threading
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.core.models import Membership, Role
from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import ConcurrentChange, transition
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange.importer import import_folder
from motcua.office import actions
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")
ROUNDS = 5


def together(*jobs):
    """Run each job in its own thread (its own connection), released at once by a barrier; returns each
    job's result or the exception it raised. `job(ready)` does its reading, calls `ready()`, then writes."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            outcomes[index] = job(barrier.wait)
        except Exception as exc:  # reported to the test, which checks which one it expected
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's connection, so that the test database can be dropped

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def _act(pk, action):
    def job(ready):
        dossier = Dossier.objects.get(pk=pk)  # each officer loads the dossier, then both act at once
        ready()
        return transition(dossier, action, at=AT, note=action)
    return job


def _won_and_lost(outcomes):
    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], ConcurrentChange), repr(lost[0])
    return won[0]


def test_two_officers_moving_one_dossier_at_the_same_moment_only_one_wins(small_folder):
    import_folder(small_folder)
    dossier = Dossier.objects.get(code="05443-251030-0002")
    assert dossier.status == Status.PROCESSING
    for round_ in range(ROUNDS):
        before = Dossier.objects.get(pk=dossier.pk)
        events = DossierEvent.objects.filter(dossier=dossier).count()
        # Both actions keep the dossier processing, so that the next round can race again.
        outcome = _won_and_lost(together(_act(dossier.pk, "apologize"), _act(dossier.pk, "assign")))
        stored = Dossier.objects.get(pk=dossier.pk)
        assert stored.version == before.version + 1 == round_ + 1
        assert DossierEvent.objects.filter(dossier=dossier).count() == events + 1
        assert DossierEvent.objects.filter(dossier=dossier).latest("id") == outcome.event
    # A last race between two different ends of processing: one of them, never both.
    outcome = _won_and_lost(together(_act(dossier.pk, "resolve"), _act(dossier.pk, "stop")))
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == outcome.event.new_status and stored.version == ROUNDS + 1
    assert (stored.status, stored.ended) in ((Status.RESOLVED, ""), (Status.STOPPED, "stopped"))


def test_two_desks_receiving_at_the_same_moment_get_distinct_codes(small_folder):
    import_folder(small_folder)
    unit = Unit.objects.get(code="05443")
    procedure = Procedure.objects.get(code="1.001193")
    desks = []
    for name in ("tiepnhan.mot", "tiepnhan.hai"):
        user = get_user_model().objects.create(username=name)
        Membership.objects.create(user=user, unit=unit, role=Role.DESK_OFFICER, full_name=name)
        desks.append(user)

    def receive(desk, token):
        def job(ready):
            ready()
            return actions.do_receive(
                actor=desk, procedure=procedure, unit=unit, received_by=unit,
                applicant=actions.Applicant("Nguyễn Văn An", "019090001234", "0912345678", "Tổ 5"),
                components=[], token=token, at=AT)
        return job

    codes = []
    for _round in range(ROUNDS):
        outcomes = together(*(receive(desk, actions.issue_token(desk)) for desk in desks))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        codes += [o.code for o in outcomes]
    assert len(set(codes)) == len(codes) == 2 * ROUNDS
    assert sorted(codes) == [f"05443-251105-{n:04d}" for n in range(1, 2 * ROUNDS + 1)]
    received = Dossier.objects.filter(code__in=codes)
    assert received.count() == 2 * ROUNDS and set(received.values_list("status", flat=True)) == {Status.RECEIVED}
    assert DossierEvent.objects.filter(dossier__in=received, action="create").count() == 2 * ROUNDS
