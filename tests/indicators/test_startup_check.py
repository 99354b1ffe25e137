"""Rule sets are validated when the program starts (a Django system check)."""

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from motcua.indicators import checks, rules


def test_shipped_rule_sets_pass_the_start_up_check():
    assert checks.rulesets_are_valid() == []


def test_a_broken_rule_set_stops_the_program(tmp_path, monkeypatch):
    shipped = (rules.RULESETS_DIR / "qd766.toml").read_text(encoding="utf-8")
    (tmp_path / "qd766.toml").write_text(shipped, encoding="utf-8")
    (tmp_path / "broken.toml").write_text(shipped.replace('id = "1.2"', 'id = "1.1"', 1), encoding="utf-8")
    monkeypatch.setattr(rules, "RULESETS_DIR", tmp_path)
    errors = checks.rulesets_are_valid()
    assert [e.id for e in errors] == ["motcua.E766"]
    assert "broken" in errors[0].msg
    try:
        call_command("check")
    except SystemCheckError as exc:
        assert "motcua.E766" in str(exc)
    else:
        raise AssertionError("the check command accepted a broken rule set")
