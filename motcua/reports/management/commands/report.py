"""motcua report weekly --date D [--out DIR] [--rules NAME] [--cumulative]

Writes the weekly report of the Decision 766 index (Appendix I and II) as XLSX and PDF into DIR.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.rules import RuleSetError, available_rulesets, load_ruleset
from motcua.reports.pdf import weekly_pdf
from motcua.reports.weekly import file_stem, weekly_report
from motcua.reports.xlsx import weekly_xlsx


class Command(BaseCommand):
    help = "Lập báo cáo định kỳ từ Bộ chỉ số 766 (XLSX và PDF)."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        weekly = kinds.add_parser("weekly", help="Báo cáo tuần: Phụ lục I (chỉ số, xếp hạng) và Phụ lục II "
                                                 "(hồ sơ quá hạn)")
        weekly.add_argument("--date", required=True, help="Ngày cuối tuần báo cáo D (YYYY-MM-DD)")
        weekly.add_argument("--out", default=".", help="Thư mục ghi tệp (mặc định: thư mục hiện tại)")
        weekly.add_argument("--rules", default="qd766", help="Bộ quy tắc tính (mặc định qd766)")
        weekly.add_argument("--cumulative", action="store_true",
                            help="So sánh điểm lũy kế từ 01/01 đến D và đến D−7 (như Cổng DVCQG) thay vì điểm "
                                 "của tuần D−6…D và tuần D−13…D−7")

    def handle(self, kind, date, out, rules, cumulative=False, **options):
        day = _date(date)
        try:
            load_ruleset(rules)
        except RuleSetError as exc:
            raise CommandError(f"--rules: {exc} (có: {', '.join(available_rulesets())})") from None
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        report = weekly_report(day, rules=rules, cumulative=cumulative)
        stem = file_stem(report)
        written = []
        for suffix, render in ((".xlsx", weekly_xlsx), (".pdf", weekly_pdf)):
            path = folder / f"{stem}{suffix}"
            path.write_bytes(render(report))
            written.append(path)
        for path in written:
            self.stdout.write(str(path))


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: không phải ngày YYYY-MM-DD: {value!r}") from None
