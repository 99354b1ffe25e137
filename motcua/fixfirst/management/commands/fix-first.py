"""motcua fix-first --from DATE --to DATE --unit CODE [--rules NAME] [--json]

The actions that would raise the unit's 766 total most, best first (docs/fix-first.md). Errors are
reported like `motcua index`: a message on stderr and exit status 1.
"""

import json

from django.core.management.base import BaseCommand

from motcua.fixfirst.engine import fix_first
from motcua.fixfirst.labels import KIND_LABELS
from motcua.indicators.commandline import add_period_arguments, checked_period


class Command(BaseCommand):
    help = "Những việc nên làm trước để nâng điểm Bộ chỉ số 766 của một đơn vị trong một kỳ, kèm số điểm tăng."

    def add_arguments(self, parser):
        add_period_arguments(parser, unit_required=True)

    def handle(self, date_from, date_to, unit, rules, json=False, **options):
        start, end, rules = checked_period(date_from, date_to, unit, rules)
        result = fix_first(start, end, unit_code=unit, rules=rules)
        self.stdout.write(_json_dumps(result) if json else _table(result))


def _json_dumps(result) -> str:
    return json.dumps(result, ensure_ascii=False)


def _table(result) -> str:
    lines = [f"Đơn vị {result['unit']}, kỳ {result['from']} – {result['to']}, tính tại {result['evaluated_at']}: "
             f"{result['total']:.2f} điểm"]
    if not result["actions"]:
        lines.append("Không có việc nào làm tăng điểm.")
    for action in result["actions"]:
        items = action["dossiers"] or action["procedures"] or action["feedback"]
        stake = "" if action["at_stake"] is None else f" (đến cuối kỳ: {action['at_stake']:+.2f})"
        lines.append(f"{action['gain']:+6.2f}{stake}  {action['indicator']:<4} {KIND_LABELS[action['kind']]}: "
                     f"{len(items)} — {', '.join(items[:10])}{' …' if len(items) > 10 else ''}")
    return "\n".join(lines)
