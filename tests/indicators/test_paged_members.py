"""The drill-down paged through the live index lists exactly the items of the plain reference
`members.members`, with the same counted flags, for random provinces, periods, units and dossier
indicators, before and after lifecycle changes; its pages, read one by one, are the reference's items in
id order."""

import random

import pytest

from motcua.dossiers.lifecycle import TransitionError, allowed_actions, transition
from motcua.dossiers.models import Dossier
from motcua.indicators.members import members
from motcua.indicators.pagedmembers import dossier_population, feedback_population
from motcua.indicators.rules import available_rulesets, load_ruleset
from motcua.interchange.importer import import_folder

from . import randomdb

pytestmark = pytest.mark.django_db


def by_id(result):
    return sorted((m.pk, m.counted) for m in result.items)


def same_items(indicator_id, unit_code, date_from, date_to, now, rules, find=dossier_population):
    reference = members(indicator_id, unit_code, date_from, date_to, rules=rules, now=now)
    paged = find(indicator_id, unit_code, date_from, date_to, rules=rules, now=now)
    expected = by_id(reference)
    if find is feedback_population:  # listed in the reference's order (position, id), not by id
        assert paged.ids.tolist() == [m.pk for m in reference.items]
    assert sorted(zip(paged.ids.tolist(), paged.counted.tolist(), strict=True)) == expected, (indicator_id, unit_code)
    assert (paged.numerator, paged.denominator) == (reference.numerator, reference.denominator)
    # Pages of 7: the rows built for each page are the reference's, item for item.
    keyed = {m.pk: m for m in reference.items}
    for start in range(0, len(expected), 7):
        for member in paged.members(paged.ids[start:start + 7]):
            plain = keyed[member.pk]
            assert (member.key, member.counted, member.item, member.facts) == (
                plain.key, plain.counted, plain.item, plain.facts)
    return len(expected)


def dossier_indicators(rules):
    return [rule.id for rule in load_ruleset(rules).indicators if rule.kind == "dossier"]


@pytest.mark.parametrize("seed", range(6))
def test_the_paged_drill_down_lists_the_reference_items(tmp_path, seed):
    import_folder(randomdb.folder(tmp_path / "in", seed))
    rnd = random.Random(seed)
    rules = rnd.choice(available_rulesets())
    units = [None, *sorted(Dossier.objects.values_list("unit__code", flat=True).distinct())[:2]]
    listed = 0
    for date_from, date_to, now in randomdb.periods(seed, count=3):
        for indicator_id in dossier_indicators(rules):
            listed += same_items(indicator_id, rnd.choice(units), date_from, date_to, now, rules)
    assert listed > 0, "every population was empty: the comparison would prove nothing"

    ids = list(Dossier.objects.values_list("id", flat=True))
    for pk in rnd.sample(ids, 8):
        dossier = Dossier.objects.get(pk=pk)
        actions = [a for a in allowed_actions(dossier.status) if a not in ("hand_over", "assign", "sign_result")]
        if actions:
            try:
                transition(dossier, rnd.choice(actions), at=randomdb.moment(rnd, first=10, span=40))
            except TransitionError:
                pass
    for date_from, date_to, now in randomdb.periods(seed, count=2):
        for indicator_id in ("2.1", *rnd.sample(dossier_indicators(rules), 3)):
            same_items(indicator_id, None, date_from, date_to, now, rules)


def test_an_indicator_of_other_items_is_refused(tmp_path):
    import_folder(randomdb.folder(tmp_path / "in", 1))
    with pytest.raises(ValueError):
        dossier_population("3.1", None, *randomdb.periods(1)[0][:2])
    with pytest.raises(KeyError):
        dossier_population("9.9", None, *randomdb.periods(1)[0][:2])


def random_province(tmp_path, seed, kind):
    """A random province imported; (its random source, a rule set, that set's indicators of `kind`, the
    province and three units to ask for)."""
    import_folder(randomdb.folder(tmp_path / "in", seed))
    rnd = random.Random(seed)
    rules = rnd.choice(available_rulesets())
    indicators = [rule.id for rule in load_ruleset(rules).indicators if rule.kind == kind]
    units = [None, *sorted(Dossier.objects.values_list("unit__code", flat=True).distinct())[:3]]
    return rnd, rules, indicators, units


@pytest.mark.parametrize("seed", range(4))
def test_procedure_indicators_from_the_live_index_list_the_reference_items(tmp_path, seed):
    """`procedure_members` (dossier flags from the live index) equals `members` (every dossier read)."""
    from motcua.indicators.pagedmembers import procedure_members

    rnd, rules, indicators, units = random_province(tmp_path, seed, "procedure")
    counted = 0
    for date_from, date_to, now in randomdb.periods(seed, count=3):
        for indicator_id in indicators:
            unit = rnd.choice(units)
            reference = members(indicator_id, unit, date_from, date_to, rules=rules, now=now)
            fast = procedure_members(indicator_id, unit, date_from, date_to, rules=rules, now=now)
            assert [(m.key, m.counted, m.facts) for m in fast.items] == [
                (m.key, m.counted, m.facts) for m in reference.items], (indicator_id, unit, date_from, date_to)
            counted += reference.numerator
    assert counted > 0, "no procedure was ever counted: the comparison would prove little"


@pytest.mark.parametrize("seed", range(4))
def test_feedback_indicators_paged_through_the_live_index_list_the_reference_items(tmp_path, seed):
    rnd, rules, indicators, units = random_province(tmp_path, seed, "feedback")
    listed = 0
    for date_from, date_to, now in randomdb.periods(seed, count=4):
        for indicator_id in indicators:
            listed += same_items(indicator_id, rnd.choice(units), date_from, date_to, now, rules,
                                 find=feedback_population)
    assert listed > 0, "every feedback population was empty: the comparison would prove nothing"
    with pytest.raises(ValueError):
        feedback_population("2.1", None, *randomdb.periods(seed)[0][:2])
