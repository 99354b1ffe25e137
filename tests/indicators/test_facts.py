"""Each fact's two definitions (`facts.py`: `one` for the reference engine, `many` for the live engine)
agree row by row, on random records and random periods: a rule changed in one and not the other fails
here, naming the fact and the dossier."""

import numpy as np
import pytest

from motcua.catalog.models import Procedure as ProcedureRow
from motcua.dossiers.models import Dossier
from motcua.indicators import columnar, facts
from motcua.indicators.bulkread import read_dossiers
from motcua.indicators.from_db import dossier_records, procedure_record
from motcua.indicators.populations import DossierFacts
from motcua.interchange.importer import import_folder
from motcua.lib.periods import Period
from motcua.units.models import Unit

from . import randomdb

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", range(4))
def test_every_fact_reads_the_same_in_both_engines(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed, dossiers=150))
    catalog = columnar.Catalog()
    raw, pauses = read_dossiers(workers=1)
    block = columnar.build_block(raw, pauses, catalog, columnar.StaticRanks())
    row_of = {int(pk): i for i, pk in enumerate(block.id.tolist())}
    unit_codes = dict(Unit.objects.values_list("id", "code"))
    procedures = {p.code: procedure_record(p) for p in ProcedureRow.objects.all()}
    records = dossier_records(Dossier.objects.all(), unit_codes,
                              dict(ProcedureRow.objects.values_list("id", "code")))
    assert records and any(d.supplements or d.fee_waits for _pk, d in records)

    for date_from, date_to, now in randomdb.periods(seed, count=5):
        period = Period.of(date_from, date_to, now)
        view = facts.Rows(block, slice(0, len(block)), columnar.PeriodTicks(period), catalog)
        many = {fact.name: fact.many(view) for fact in facts.DYNAMIC_FACTS}
        for pk, d in records:
            row = row_of[pk]
            one = facts.dossier_facts(d, procedures[d.procedure], period, catalog.calendar_for(d.unit))
            packed = int(block.static_key[row])
            for name in DossierFacts._fields:
                vector = bool(many[name][row]) if name in many else bool(packed & facts.FACT_BIT[name])
                assert vector == getattr(one, name), f"{name} of {d.code} at {period.t}: {vector} != {getattr(one, name)}"


def test_every_fact_is_defined_once_with_both_definitions():
    assert tuple(facts.FACTS) == tuple(f.name for f in (*facts.STATIC_FACTS, *facts.DYNAMIC_FACTS))
    assert set(facts.FACTS) == set(DossierFacts._fields)
    assert all(callable(f.one) and callable(f.many) and f.meaning for f in facts.FACTS.values())


@pytest.mark.parametrize("seed", range(4))
def test_no_dynamic_fact_changes_before_the_rows_next_change(tmp_path, seed):
    """`facts.next_change(t)` claims each row's facts stay those at t until then: checked at the last tick
    before each row's next change (where a missed moment would show) and at random ticks in between."""
    import random

    from motcua.indicators.bulkread import NEVER, datetime_of

    import_folder(randomdb.folder(tmp_path / "in", seed, dossiers=150))
    catalog = columnar.Catalog()
    raw, pauses = read_dossiers(workers=1)
    block = columnar.build_block(raw, pauses, catalog, columnar.StaticRanks())
    everything = slice(0, len(block))
    rnd = random.Random(seed)

    def facts_at(date_from, date_to, tick):
        p = columnar.PeriodTicks(Period.of(date_from, date_to, datetime_of(tick)))
        assert p.t == tick
        view = facts.Rows(block, everything, p, catalog)
        return {fact.name: fact.many(view) for fact in facts.DYNAMIC_FACTS}

    checked = 0
    for date_from, _to, now in randomdb.periods(seed, count=4):
        date_to = date_from.replace(year=date_from.year + 1)  # t inside the period, whatever `now` is
        p = columnar.PeriodTicks(Period.of(date_from, date_to, now))
        t = p.t
        before = facts_at(date_from, date_to, t)
        upcoming = facts.next_change(block, everything, t)
        assert (upcoming > t).all()
        assert (upcoming < NEVER).any() and (upcoming > t + 1).any()
        ticks = {int(n) - 1 for n in upcoming if n < min(NEVER, p.end)}
        ticks = rnd.sample(sorted(ticks), min(25, len(ticks)))
        ticks += [t + rnd.randrange(1, 10**11) for _ in range(5)]
        for tick in ticks:
            if tick >= p.end:
                continue
            after = facts_at(date_from, date_to, tick)
            still = np.flatnonzero(upcoming > tick)
            checked += len(still)
            for name in before:
                differs = still[before[name][still] != after[name][still]]
                assert not len(differs), (f"{name} of row {differs[0]} changed between {t} and {tick}, before its "
                                          f"next change {upcoming[differs[0]]}")
    assert checked > 1000
