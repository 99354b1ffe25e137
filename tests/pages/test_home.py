"""The home page's figures are kept with each change instead of counted over the whole table: on random
provinces they must equal the plain counts of the database and the plain overdue list
(`office.clock.overdue_open_dossiers`, the one definition over the open dossiers), at random moments, and
follow every lifecycle step at once."""

import random
from collections import Counter

import pytest
import time_machine
from django.db.models import Count, Q

from motcua.dossiers.constants import OPEN_STATUSES, Channel, Status
from motcua.dossiers.lifecycle import TransitionError, allowed_actions, transition
from motcua.dossiers.models import Dossier
from motcua.interchange.importer import import_folder
from motcua.office.clock import overdue_open_dossiers
from motcua.pages.figures import home_figures
from motcua.units.calendars import CalendarBook
from tests.indicators import randomdb

pytestmark = pytest.mark.django_db


def plain(now):
    """The figures counted the plain way: every row of the table."""
    totals = Dossier.objects.aggregate(total=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE)),
                                       open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
                                       returned=Count("id", filter=Q(status=Status.RETURNED)))
    overdue = Counter(d.unit_id for d in overdue_open_dossiers(Dossier.objects.all(), CalendarBook(), now))
    per_unit = {row["unit_id"]: (row["total"], row["open"], overdue.get(row["unit_id"], 0)) for row in
                Dossier.objects.values("unit_id").annotate(total=Count("id"),
                                                           open=Count("id", filter=Q(status__in=OPEN_STATUSES)))}
    return {**totals, "overdue": sum(overdue.values())}, per_unit


def kept(now):
    figures = home_figures(now)
    totals = {"total": figures.total, "online": figures.online, "open": figures.open,
              "returned": figures.returned, "overdue": figures.overdue}
    return totals, {unit: (row.total, row.open, row.overdue) for unit, row in figures.by_unit.items()}


def same_figures(now):
    expected = plain(now)
    assert kept(now) == expected
    return expected


def _move(dossier, rnd, at):
    actions = [a for a in allowed_actions(dossier.status) if a not in ("hand_over", "assign", "sign_result")]
    if not actions:
        return False
    try:
        transition(dossier, rnd.choice(actions), at=at)
    except TransitionError:
        return False
    return True


@pytest.mark.parametrize("seed", range(8))
def test_the_home_figures_equal_the_plain_counts_on_random_provinces(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed, dossiers=120))
    moments = [now for _from, _to, now in randomdb.periods(seed)]
    overdue_seen = [same_figures(now)[0]["overdue"] for now in moments]
    assert any(overdue_seen), "no overdue dossier at any moment: the comparison would prove little"
    rnd = random.Random(seed)
    ids = list(Dossier.objects.values_list("id", flat=True))
    moved = 0
    for _ in range(3):
        for pk in rnd.sample(ids, 6):
            moved += _move(Dossier.objects.get(pk=pk), rnd, randomdb.moment(rnd, first=10, span=40))
        for now in moments:
            same_figures(now)
    assert moved > 0


def test_the_home_page_shows_a_transition_at_once(tmp_path, client):
    import_folder(randomdb.folder(tmp_path / "in", 3, dossiers=120))
    now = max(now for _from, _to, now in randomdb.periods(3))
    with time_machine.travel(now, tick=False):
        before = client.get("/").context["totals"]
        late = overdue_open_dossiers(Dossier.objects.all(), CalendarBook(), now)
        assert late and before["overdue"] == len(late)
        transition(late[0], "withdraw", at=now)
        after = client.get("/").context["totals"]
    assert after["overdue"] == before["overdue"] - 1
    assert after["open"] == before["open"] - 1
    assert after["total"] == before["total"]
