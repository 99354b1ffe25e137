"""motcua national DIR --from DATE --to DATE [--rules NAME] --engine duckdb|spark --out OUT [--now ISO]

The index of every province of a national folder (one Parquet folder per province: `motcua export
--format parquet` of each province, or the generator), computed in one scan by DuckDB or Spark; writes
OUT/national.json and OUT/units.parquet (`nationwide.write_national`) and prints the provinces ranked.
OUT may be the folder the index pages read (MOTCUA_NATIONAL_DIR) to publish the result to them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.commandline import add_now_argument, checked_now, checked_period
from motcua.lib import vnformat
from motcua.national.engines import ENGINES
from motcua.national.nationwide import national_index, province_folders, write_national


class Command(BaseCommand):
    help = "Tính Bộ chỉ số 766 cho mọi tỉnh của một thư mục toàn quốc (mỗi tỉnh một thư mục Parquet) và xếp hạng."

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="Thư mục toàn quốc: mỗi tỉnh một thư mục Parquet.")
        parser.add_argument("--from", dest="date_from", required=True, help="Ngày đầu kỳ, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Ngày cuối kỳ, YYYY-MM-DD.")
        parser.add_argument("--rules", default="qd766", help="Bộ chỉ số (mặc định qd766).")
        parser.add_argument("--engine", required=True, help="Máy tính: duckdb hoặc spark.")
        parser.add_argument("--out", required=True, help="Thư mục ghi national.json và units.parquet.")
        add_now_argument(parser)

    def handle(self, folder, date_from, date_to, rules, engine, out, now=None, **options):
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"DIR: không có thư mục {root}")
        if not province_folders(root):
            raise CommandError(f"DIR: {root} không có thư mục tỉnh nào (thư mục Parquet do "
                               f"`motcua export --format parquet` ghi)")
        start, end, rules = checked_period(date_from, date_to, None, rules)
        if engine not in ENGINES:
            raise CommandError(f"--engine: không biết máy tính {engine!r} (có: {', '.join(ENGINES)})")
        at = checked_now(now)
        try:
            result = national_index(root, engine, start, end, rules=rules, now=at)
        except ValueError as exc:
            raise CommandError(f"DIR: {exc}") from None
        write_national(result, out)
        self.stdout.write(ranking_table(result))
        self.stdout.write(f"Đã ghi {Path(out) / 'national.json'} và {Path(out) / 'units.parquet'}.")


def ranking_table(result: dict) -> str:
    """The provinces ranked, one line each: rank, code, name, total with a decimal comma."""
    lines = [f"Bộ chỉ số {result['rules']['name']}, kỳ {result['from']} – {result['to']}, "
             f"{len(result['provinces'])} tỉnh",
             f"{'Hạng':>4}  {'Mã':<4} {'Tên':<40} {'Tổng điểm':>9}"]
    for p in result["provinces"]:
        lines.append(f"{p['rank']:>4}  {p['code']:<4} {p['name'][:40]:<40} {vnformat.number(p['total'], 2):>9}")
    return "\n".join(lines)
