"""motcua index --from DATE --to DATE [--unit CODE] [--rules NAME] [--json]"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.rules import RuleSetError, available_rulesets, load_ruleset
from motcua.indicators.service import index_json
from motcua.units.models import Unit


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: không phải ngày YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = "Tính Bộ chỉ số 766 cho tỉnh hoặc một đơn vị trong một kỳ."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--unit", default=None)
        parser.add_argument("--rules", default="qd766")
        parser.add_argument("--json", action="store_true")

    def handle(self, date_from, date_to, unit, rules, json=False, **options):
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        if end < start:
            raise CommandError("--to phải không trước --from")
        try:
            ruleset = load_ruleset(rules)
        except (RuleSetError, FileNotFoundError, KeyError) as exc:
            raise CommandError(f"--rules: {exc} (có: {', '.join(available_rulesets())})") from None
        if unit is not None and not Unit.objects.filter(code=unit).exists():
            raise CommandError(f"--unit: không có đơn vị mã {unit}")
        result = index_json(start, end, unit_code=unit, rules=ruleset.name)
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
