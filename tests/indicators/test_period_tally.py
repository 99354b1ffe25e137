"""The kept counts of a period (`periodtally.PeriodTally`) equal the plain count of every row
(`LiveIndex._counted_plain`) while t advances across the rows' own moments and dossiers change, and the
JSON equals the reference's on the way."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from motcua.dossiers.models import Dossier
from motcua.indicators import columnar, facts, live, service
from motcua.indicators.bulkread import NEVER, datetime_of
from motcua.indicators.populations import DossierFacts
from motcua.interchange.importer import import_folder
from motcua.lib.periods import Period

from . import randomdb
from .test_live import _move, local_calendars

pytestmark = pytest.mark.django_db


def kept_and_plain(engine, date_from, date_to, tick):
    """Both counts of the period at `tick`: the kept tally's (brought to tick) and the plain one, for the
    reported units (the void unit, last, holds replaced rows that count nowhere)."""
    p = columnar.PeriodTicks(Period.of(date_from, date_to, datetime_of(tick)))
    selectors = engine._selector(live.cached_ruleset("qd766"), "dossier", DossierFacts)
    with engine.lock:
        engine._current()
        kept = engine._counted(selectors, p)
        plain = engine._counted_plain(selectors, p)
    units, procedures = engine.catalog.n_units, engine.catalog.n_procedures
    return [(n[:units], d[:units], own.reshape(units + 1, procedures)[:units]) for n, d, own in (kept, plain)]


@pytest.mark.parametrize("seed", range(5))
def test_kept_counts_follow_t_and_changes(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed, dossiers=120))
    if seed % 2:
        local_calendars(seed)
    rnd = random.Random(seed)
    date_from = randomdb.FIRST_DAY + timedelta(days=rnd.randrange(0, 20))
    date_to = date(2026, 3, 31)
    engine = live.engine()
    service.index_json(date_from, date_to, now=datetime_of(columnar.ticks_of(randomdb.moment(rnd, first=0, span=5))))

    # t walks forward over the rows' own next changes (the ticks where a fact flips) and random moments.
    start = columnar.PeriodTicks(Period.of(date_from, date_to)).start
    with engine.lock:
        upcoming = facts.next_change(engine.main, slice(0, len(engine.main)), start)
    moments = sorted({int(n) for n in upcoming if n < NEVER} | {int(n) - 1 for n in upcoming if n < NEVER})
    ticks = sorted(set(rnd.sample(moments, min(40, len(moments)))) | {start + rnd.randrange(10**13) for _ in range(10)})
    ticks = [t for t in ticks if t >= start]
    ids = list(Dossier.objects.values_list("id", flat=True))
    tally, rejudged, moved = None, 0, 0
    for step, tick in enumerate(ticks):
        if step % 8 == 7:  # a few dossiers change: their main-block versions are replaced
            for pk in rnd.sample(ids, 3):
                moved += _move(Dossier.objects.get(pk=pk), rnd, datetime_of(tick))
        kept, plain = kept_and_plain(engine, date_from, date_to, tick)
        assert np.array_equal(kept[0], plain[0]), f"numerators differ at {datetime_of(tick)}"
        assert np.array_equal(kept[1], plain[1]), f"denominators differ at {datetime_of(tick)}"
        assert np.array_equal(kept[2], plain[2]), f"procedure codes differ at {datetime_of(tick)}"
        current = next(v for k, v in engine._tallies.items() if k[0] == start)
        if tally is not None and current is tally:
            rejudged += 1
        tally = current
        if step % 10 == 0:
            now = datetime_of(tick)
            assert service.index_json(date_from, date_to, now=now) == service.index_json(
                date_from, date_to, now=now, from_scratch=True)
    assert moved > 0
    assert rejudged >= len(ticks) - 3, "the tally was rebuilt instead of kept"


def test_a_period_not_yet_started_is_counted_plainly(tmp_path):
    import_folder(randomdb.folder(tmp_path / "in", 3, dossiers=60))
    now = datetime_of(columnar.ticks_of(randomdb.moment(random.Random(3), first=0, span=5)))
    later = now.date() + timedelta(days=3)
    result = service.index_json(later, later + timedelta(days=6), now=now)
    assert result == service.index_json(later, later + timedelta(days=6), now=now, from_scratch=True)
    assert not live.engine()._tallies


def test_a_catalog_edit_that_changes_no_row_keeps_the_counts_and_one_that_does_not(tmp_path):
    """A procedure's name or publication date changes nothing in the rows: the kept counts carry on with the
    new catalog; its written result changes the rows' static facts: the counts are made again. Both
    answers equal the reference's."""
    from motcua.catalog.models import Procedure

    import_folder(randomdb.folder(tmp_path / "in", 2, dossiers=80))
    now = datetime_of(columnar.ticks_of(randomdb.moment(random.Random(2), first=50, span=5)))
    period = (randomdb.FIRST_DAY, randomdb.FIRST_DAY + timedelta(days=59))
    engine = live.engine()

    def same():
        assert service.index_json(*period, now=now) == service.index_json(*period, now=now, from_scratch=True)
        return next(iter(engine._tallies.values()))

    kept = same()
    procedure = Procedure.objects.order_by("code").first()
    procedure.name += " (sửa tên)"
    procedure.published_at = randomdb.FIRST_DAY
    procedure.save()
    assert same() is kept  # carried on
    assert kept.catalog is engine.catalog
    procedure.written_result = not procedure.written_result
    procedure.save()
    assert same() is not kept  # the rows' static facts changed: counted again
