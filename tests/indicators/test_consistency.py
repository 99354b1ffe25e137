"""Relations that must hold on any record: checked on a seeded random province.

These do not test values (the hand-built scenario does); they test that units add up the way the
semantics say, whatever the data.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.indicators.compute import compute
from motcua.indicators.rules import load_ruleset

from .builders import at, dossier, e_result, feedback, procedure, record, unit

SUMMED = ("1.4", "2.1", "3.3", "3.4", "3.7", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.6", "5.7")


def random_record(seed: int):
    rnd = random.Random(seed)
    units = [unit("T", "province", None)]
    for i in range(4):
        units.append(unit(f"D{i}", "department", "T"))
        units.append(unit(f"D{i}-O", "office", f"D{i}"))
        units.append(unit(f"C{i}", "commune", "T", e_certified_copy=rnd.random() < 0.5))
    workers = [u.code for u in units if u.kind != "province"]
    procedures = [
        procedure(f"P{i}", fee_vnd=rnd.choice([0, 30000]), written_result=rnd.random() < 0.5,
                  online_level=rnd.choice(["none", "partial", "full"]), full_online_eligible=rnd.random() < 0.5,
                  for_citizens=rnd.random() < 0.7, fee_integrated=rnd.random() < 0.5,
                  decision_date=date(2025, 10, 1) + timedelta(days=rnd.randrange(20)),
                  legal_effective_date=date(2025, 10, 10) + timedelta(days=rnd.randrange(20)),
                  published_at=date(2025, 10, 1) + timedelta(days=rnd.randrange(30)),
                  parts_complete=rnd.random() < 0.8)
        for i in range(12)]
    authority = sorted({(rnd.choice(workers), p.code) for p in procedures for _ in range(2)})
    dossiers = []
    for i in range(600):
        received = at(1 + rnd.randrange(28), 7 + rnd.randrange(10), rnd.randrange(60))
        resolved = received + timedelta(hours=rnd.randrange(1, 200)) if rnd.random() < 0.7 else None
        supplements = ()
        if rnd.random() < 0.3:
            asked = received + timedelta(hours=rnd.randrange(1, 50))
            supplements = ((asked, asked + timedelta(hours=rnd.randrange(1, 50)) if rnd.random() < 0.6 else None),)
            if rnd.random() < 0.2:
                supplements += ((asked + timedelta(hours=60), None),)
        refused = rnd.random() < 0.05
        dossiers.append(dossier(
            f"X{i}", rnd.choice(procedures).code, rnd.choice(workers), received=received,
            due=received + timedelta(hours=rnd.randrange(8, 150)), channel=rnd.choice(["online", "in_person"]),
            full_online=rnd.random() < 0.3, supplements=supplements,
            resolved_at=None if refused else resolved, ended="refused" if refused else None,
            ended_at=received if refused else None,
            synced_at=received + timedelta(hours=rnd.randrange(100)) if rnd.random() < 0.8 else None,
            fee_vnd=rnd.choice([0, 30000]), paid_online_at=received + timedelta(hours=1) if rnd.random() < 0.4 else None,
            digitized=rnd.random() < 0.7,
            e_result=e_result(resolved) if resolved and not refused and rnd.random() < 0.6 else None,
            reused_data=rnd.random() < 0.5, citizen_data=rnd.random() < 0.5,
            rating=rnd.choice([None, "satisfied", "unsatisfied"]), complaint=rnd.random() < 0.05))
    items = [feedback(f"F{i}", rnd.choice(workers), at(1 + rnd.randrange(28)),
                      answered_at=at(1 + rnd.randrange(30), month=11) if rnd.random() < 0.5 else None,
                      raised_again=rnd.random() < 0.1) for i in range(60)]
    return record(units, procedures, authority, dossiers, items)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_units_add_up_and_every_number_is_well_formed(seed):
    rec = random_record(seed)
    rs = load_ruleset()
    result = compute(rec, rs, date(2025, 10, 13), date(2025, 10, 19), now=at(17, 12))
    units = {u["code"]: u for u in result["units"]}
    assert list(units) == ["T", "D0", "C0", "D1", "C1", "D2", "C2", "D3", "C3"]
    children = [code for code in units if code != "T"]

    def row(code, indicator_id):
        return next(i for i in units[code]["indicators"] if i["id"] == indicator_id)

    for indicator_id in SUMMED:
        province = row("T", indicator_id)
        assert province["numerator"] == sum(row(c, indicator_id)["numerator"] for c in children)
        assert province["denominator"] == sum(row(c, indicator_id)["denominator"] for c in children)
    for u in result["units"]:
        unrounded = Fraction(0)
        for i in u["indicators"]:
            assert 0 <= i["numerator"] <= i["denominator"]
            assert (i["rate"] is None) == (i["denominator"] == 0)
            assert 0 <= i["points"] <= i["max"] or (i["max"] == 0 and i["points"] == 0)
            unrounded += Fraction(Decimal(str(i["points"])))
        # The total is the once-rounded sum of unrounded points: within half a cent per indicator.
        assert abs(Fraction(Decimal(str(u["total"]))) - unrounded) <= Fraction(22, 200)
        assert sum(g["max"] for g in u["groups"]) == 100
        for g in u["groups"]:
            assert 0 <= g["points"] <= g["max"]


@pytest.mark.parametrize("code", ["D1", "C2"])
def test_a_unit_asked_alone_scores_as_in_the_province_listing(code):
    rec, rs = random_record(7), load_ruleset()
    alone = compute(rec, rs, date(2025, 10, 1), date(2025, 10, 31), now=at(30, 12), unit_code=code)["units"]
    listed = compute(rec, rs, date(2025, 10, 1), date(2025, 10, 31), now=at(30, 12))["units"]
    assert alone == [next(u for u in listed if u["code"] == code)]


def test_an_office_counts_within_its_department():
    rec, rs = random_record(7), load_ruleset()
    office = compute(rec, rs, date(2025, 10, 1), date(2025, 10, 31), now=at(30, 12), unit_code="D0-O")
    department = compute(rec, rs, date(2025, 10, 1), date(2025, 10, 31), now=at(30, 12), unit_code="D0")
    pairs = zip(office["units"][0]["indicators"], department["units"][0]["indicators"], strict=True)
    for mine, theirs in pairs:
        assert mine["numerator"] <= theirs["numerator"], mine["id"]
        assert mine["denominator"] <= theirs["denominator"], mine["id"]
