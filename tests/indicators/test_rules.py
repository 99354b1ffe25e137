"""Rule sets load, carry their version, and are refused with a clear reason when they are wrong."""

from datetime import date
from fractions import Fraction

import pytest

from motcua.indicators.rules import (
    RULESETS_DIR,
    RuleSetError,
    available_rulesets,
    load_ruleset,
    load_ruleset_file,
)

DEFAULT_TEXT = (RULESETS_DIR / "qd766.toml").read_text(encoding="utf-8")


def variant(tmp_path, old: str, new: str, count: int = 1):
    """The default rule set with one textual change, written to a file of its own."""
    assert DEFAULT_TEXT.count(old) >= count, old
    path = tmp_path / "broken.toml"
    path.write_text(DEFAULT_TEXT.replace(old, new, count), encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_file(path)
    assert "broken.toml" in str(caught.value)
    return caught.value.problems


def test_the_shipped_rule_sets_load():
    assert available_rulesets() == ["qd766", "qd766-sync", "qd766-threshold80"]
    for name in available_rulesets():
        rs = load_ruleset(name)
        assert rs.name == name
        assert rs.version == "1.0"
        assert [g.max_points for g in rs.groups] == [18, 20, 22, 18, 22]
        assert sum(r.max_points for r in rs.indicators) == 100


def test_the_default_rule_set_says_what_index766_md_says():
    rs = load_ruleset()
    assert rs.effective_date == date(2022, 6, 23)
    assert [r.id for r in rs.in_group("III")] == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"]
    assert [rs.indicator(i).max_points for i in ("3.1", "3.2", "3.3")] == [0, 0, 0]
    assert rs.indicator("3.3").times_rate_of == "1.4"
    assert rs.indicator("4.3").scoring.threshold == Fraction(9, 10)
    assert rs.indicator("4.1").empty_points == 6
    assert rs.indicator("5.7").empty_points == 2
    assert rs.indicator("2.1").label == "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"


def test_variants_differ_only_where_documented():
    default, t80, sync = load_ruleset("qd766"), load_ruleset("qd766-threshold80"), load_ruleset("qd766-sync")
    for rule in default.indicators:
        if rule.id not in ("3.7", "5.2"):
            assert t80.indicator(rule.id) == rule
        if rule.id != "5.2":
            assert sync.indicator(rule.id) == rule
    assert t80.indicator("3.7").scoring.threshold == Fraction(4, 5)
    assert t80.indicator("5.2").scoring.threshold == Fraction(4, 5)
    assert sync.indicator("5.2").population == "dossiers_received_synced"
    assert sync.indicator("5.2").times_rate_of == "1.4"


def test_unknown_rule_set_name_lists_the_available_ones():
    with pytest.raises(RuleSetError, match="qd766-threshold80"):
        load_ruleset("qd999")


def test_duplicate_indicator_id_is_refused(tmp_path):
    path = variant(tmp_path, 'id = "1.2"', 'id = "1.1"')
    assert "indicator 1.1: duplicate id" in problems_of(path)


def test_group_whose_indicators_do_not_sum_to_its_maximum_is_refused(tmp_path):
    # 1.3 worth 3 points instead of 2: group I would be 19.
    old = 'formula = "published procedures with all 7 parts / published procedures (as of t)"\n' \
          'population = "procedures_published"\ncounted = "parts_complete"\nmax = 2'
    path = variant(tmp_path, old, old[:-1] + "3")
    problems = problems_of(path)
    assert any(p.startswith("group I: indicator maxima sum to 19") and "not the group's 18" in p
               for p in problems), problems


def test_groups_other_than_the_decisions_are_refused(tmp_path):
    path = variant(tmp_path, 'id = "II"\nlabel = "Tiến độ, kết quả giải quyết"\nmax = 20',
                   'id = "II"\nlabel = "Tiến độ, kết quả giải quyết"\nmax = 21')
    problems = problems_of(path)
    assert any("II = 21" in p and "as fixed by the decision" in p for p in problems), problems


def test_unknown_population_name_is_refused(tmp_path):
    path = variant(tmp_path, 'population = "dossiers_received_with_refused"', 'population = "dossiers_recieved"')
    assert "indicator 1.4: unknown population 'dossiers_recieved'" in problems_of(path)


def test_unknown_counted_name_is_refused(tmp_path):
    path = variant(tmp_path, 'counted = "synced_by_t"', 'counted = "synced"')
    assert "indicator 1.4: unknown counted subset 'synced'" in problems_of(path)


def test_counting_another_kind_than_the_population_is_refused(tmp_path):
    path = variant(tmp_path, 'counted = "synced_by_t"', 'counted = "parts_complete"')
    assert any(p.startswith("indicator 1.4: counts procedures") for p in problems_of(path))


def test_unknown_scoring_kind_is_refused(tmp_path):
    old = 'counted = "not_late_at_t"\nmax = 20\nscoring = { kind = "linear" }'
    path = variant(tmp_path, old, old.replace('"linear"', '"logistic"'))
    assert any(p.startswith("indicator 2.1: unknown scoring kind 'logistic'") for p in problems_of(path))


@pytest.mark.parametrize("threshold", ["0.0", "1.5", "-0.8"])
def test_threshold_outside_zero_one_is_refused(tmp_path, threshold):
    path = variant(tmp_path, 'counted = "satisfied_no_complaint_not_late"\nmax = 6\n'
                   'scoring = { kind = "threshold", threshold = 0.90 }',
                   'counted = "satisfied_no_complaint_not_late"\nmax = 6\n'
                   f'scoring = {{ kind = "threshold", threshold = {threshold} }}')
    assert any(p.startswith("indicator 4.3: threshold") and "outside (0, 1]" in p for p in problems_of(path))


def test_threshold_scoring_without_threshold_is_refused(tmp_path):
    path = variant(tmp_path, 'scoring = { kind = "threshold", threshold = 0.90 }', 'scoring = { kind = "threshold" }')
    assert "indicator 4.3: threshold scoring needs a threshold" in problems_of(path)


def test_unknown_key_is_refused_rather_than_ignored(tmp_path):
    path = variant(tmp_path, 'empty_points = 6\n', 'empty_points = 6\nempty_point = 6\n')
    assert "indicator 4.1: unknown key 'empty_point'" in problems_of(path)


def test_sub_rates_must_carry_no_points(tmp_path):
    path = variant(tmp_path, 'counted = "offered_online"\nmax = 0', 'counted = "offered_online"\nmax = 1')
    problems = problems_of(path)
    assert "indicator 3.1: a sub-rate must have max 0, got 1" in problems
    assert any(p.startswith("group III: indicator maxima sum to 23") for p in problems)


def test_every_problem_is_reported_at_once(tmp_path):
    path = tmp_path / "broken.toml"
    text = DEFAULT_TEXT.replace('id = "1.2"', 'id = "1.1"').replace('counted = "synced_by_t"', 'counted = "x"')
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert "indicator 1.1: duplicate id" in problems
    assert "indicator 1.4: unknown counted subset 'x'" in problems


def test_a_new_rule_set_file_needs_no_code_change(tmp_path):
    # A province's own variant: 3.4 scored with threshold 0.90 and 4.3 linear, under a new name.
    text = DEFAULT_TEXT.replace('name = "qd766"', 'name = "thai-nguyen-2026"').replace(
        'counted = "full_online"\nmax = 12\nscoring = { kind = "linear" }',
        'counted = "full_online"\nmax = 12\nscoring = { kind = "threshold", threshold = 0.9 }')
    path = tmp_path / "thai-nguyen-2026.toml"
    path.write_text(text, encoding="utf-8")
    rs = load_ruleset_file(path)
    assert rs.name == "thai-nguyen-2026"
    assert rs.indicator("3.4").points(Fraction(9, 20)) == 6  # 12 × 0.45 / 0.9
