"""Per-officer figures over a period, by aggregate queries, with the officer's targets beside."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.applications.models import FormDefinition, Submission
from motcua.dossiers.lifecycle import transition
from motcua.office import actions
from motcua.targets import history
from motcua.targets.models import Scope
from motcua.targets.officers import officer_figures
from motcua.targets.progress import progress

from .conftest import local, make_dossier, receive


def test_figures_per_officer(world):
    w = world
    # Desk A receives 3 dossiers in person (2 with scanned components), and accepts 1 online submission.
    receive(w, at=local(3, 9))
    receive(w, at=local(3, 10))
    receive(w, at=local(4, 9), files=False)
    online = make_dossier(w, at=local(4, 10), online=True, digitized=True)
    actions.do_accept_online(online, actor=w.desk_a, version=online.version, at=local(4, 11))
    # One received before the period: not counted.
    receive(w, at=local(31, 9, month=10))
    # Processor A: two assigned dossiers; one resolved in time, one overdue (due 5/11, open on the 7th).
    done = make_dossier(w, at=local(3, 8), assignee=w.processor_a)
    transition(done, "start", actor=w.processor_a, at=local(3, 9))
    transition(done, "resolve", actor=w.processor_a, at=local(4, 9))
    make_dossier(w, at=local(3, 8), assignee=w.processor_a, due_days=2)
    # And one of B's, late, assigned to B's processor.
    make_dossier(w, at=local(3, 8), assignee=w.processor_b, unit=w.commune_b, due_days=1)
    # Desk A assisted one online submission.
    form = FormDefinition.objects.create(procedure=w.birth, version=1, definition={"fields": []})
    assisted = make_dossier(w, at=local(5, 9), online=True)
    Submission.objects.create(dossier=assisted, procedure=w.birth, form=form, submitted_at=local(5, 9),
                              assisted_by=w.desk_a)
    target = history.create_target(measure="officer_digitised_share", scope=Scope.OFFICER, officer=w.desk_a,
                                   value=Decimal(98), start=date(2025, 11, 1), end=date(2025, 11, 30),
                                   programme="Chiến dịch")
    now = local(7, 12)
    with CaptureQueriesContext(connection) as queries:
        rows = officer_figures(w.commune_a, date(2025, 11, 1), date(2025, 11, 30), now=now)
    assert len(queries) < 15  # aggregate queries, not one per officer
    by_user = {r.officer: r for r in rows}
    assert set(by_user) == {w.desk_a, w.processor_a, w.leader_a, w.viewer_a}  # commune A only
    desk = by_user[w.desk_a]
    assert (desk.received, desk.digitised, desk.digitised_share) == (4, 3, Decimal("75.00"))
    assert desk.assisted == 1
    assert desk.targets == [target]
    processor = by_user[w.processor_a]
    assert (processor.resolved, processor.late, processor.received) == (1, 1, 0)
    assert by_user[w.leader_a].received == 0
    # Before the second dossier's due (5/11 08:00), nobody is late.
    early = {r.officer: r for r in officer_figures(w.commune_a, date(2025, 11, 1), date(2025, 11, 4), now=now)}
    assert early[w.processor_a].late == 0
    # The officer's target reads the same figure.
    p = progress(target, today=date(2025, 11, 7))
    assert p.value == Decimal("75.00") and p.gap == Decimal("-23.00")
