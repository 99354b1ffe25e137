"""motcua index --from DATE --to DATE [--unit CODE] [--rules NAME] [--json] [--now ISO]
                [--source DIR --engine duckdb|spark]

Without --source the numbers are the live engine's, from the database; with --source they are computed
from a Parquet folder (`motcua export --format parquet`, or the national generator) by DuckDB or Spark.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.commandline import add_now_argument, add_period_arguments, checked_now, checked_period
from motcua.indicators.service import index_json


class Command(BaseCommand):
    help = "Tính Bộ chỉ số 766 cho tỉnh hoặc một đơn vị trong một kỳ."

    def add_arguments(self, parser):
        add_period_arguments(parser)
        add_now_argument(parser)
        parser.add_argument("--source", default=None,
                            help="Thư mục Parquet để tính (thay cho cơ sở dữ liệu).")
        parser.add_argument("--engine", choices=("duckdb", "spark"), default=None,
                            help="Máy tính cho --source: duckdb (mặc định) hoặc spark.")

    def handle(self, date_from, date_to, unit, rules, json=False, source=None, engine=None, now=None, **options):
        now = checked_now(now)
        if source is None:
            if engine is not None:
                raise CommandError("--engine cần --source (thư mục Parquet)")
            start, end, rules = checked_period(date_from, date_to, unit, rules)
            result = index_json(start, end, unit_code=unit, rules=rules, now=now)
        else:
            from motcua.national.engines import index_json as source_index_json

            # The units are the folder's, not the database's: the engine checks --unit against them.
            start, end, rules = checked_period(date_from, date_to, None, rules)
            try:
                result = source_index_json(source, engine or "duckdb", start, end, unit_code=unit, rules=rules,
                                           now=now)
            except ValueError as exc:
                raise CommandError(f"--unit/--source: {exc}") from None
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
