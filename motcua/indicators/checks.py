"""Start-up check: every shipped rule set parses and validates, or the program refuses to start.

Django runs system checks before `runserver`, `migrate` and every `motcua` command, so a rule-set file
with a typo stops the system at start rather than scoring the province wrongly.
"""

from django.core.checks import Error, register

from motcua.indicators import rules


@register()
def rulesets_are_valid(app_configs=None, **kwargs):
    errors = []
    for name in rules.available_rulesets():
        try:
            rules.load_ruleset(name)
        except rules.RuleSetError as exc:
            errors.append(Error(f"Bộ quy tắc chỉ số “{name}” không hợp lệ: {exc}", id="motcua.E766"))
    return errors
