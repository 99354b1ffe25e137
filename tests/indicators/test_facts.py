"""Each fact's two definitions (`facts.py`: `one` for the reference engine, `many` for the live engine)
agree row by row, on random records and random periods: a rule changed in one and not the other fails
here, naming the fact and the dossier."""

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
