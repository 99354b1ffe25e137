"""motcua index --from DATE --to DATE [--unit CODE] [--rules NAME] [--json]"""

import json

from django.core.management.base import BaseCommand

from motcua.indicators.commandline import add_period_arguments, checked_period
from motcua.indicators.service import index_json


class Command(BaseCommand):
    help = "Tính Bộ chỉ số 766 cho tỉnh hoặc một đơn vị trong một kỳ."

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, date_from, date_to, unit, rules, json=False, **options):
        start, end, rules = checked_period(date_from, date_to, unit, rules)
        result = index_json(start, end, unit_code=unit, rules=rules)
        if json:
            self.stdout.write(_json_dumps(result))
        else:
            self.stdout.write(_table(result))


def _json_dumps(result) -> str:
    return json.dumps(result, ensure_ascii=False)


def _table(result) -> str:
    lines = [f"Bộ chỉ số {result['rules']['name']} phiên bản {result['rules']['version']}, "
             f"kỳ {result['from']} – {result['to']}, tính tại {result['evaluated_at']}"]
    for unit in result["units"]:
        groups = "  ".join(f"{g['id']}: {g['points']:.2f}/{g['max']}" for g in unit["groups"])
        lines.append(f"{unit['code']:<14} {unit['name'][:48]:<48} {unit['total']:>6.2f}  {groups}")
    return "\n".join(lines)
