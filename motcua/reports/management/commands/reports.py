"""motcua reports issue|list|diff: issued (frozen) reports.

  motcua reports issue --kind weekly|chairman --date D --number N [--signer-name S] [--signer-title T]
                       [--rules NAME] [--cumulative] [--document-date D]
  motcua reports issue --kind monthly_plan --plan KEY --month YYYY-MM --number N …
  motcua reports list
  motcua reports diff ID [--json]     exit 0: the same numbers now; 1: numbers changed (listed)
"""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.rules import RuleSetError, load_ruleset
from motcua.reports import publishing
from motcua.reports.letterhead import default_letterhead
from motcua.reports.models import PublishedReport, ReportKind


class Command(BaseCommand):
    help = "Báo cáo đã phát hành: phát hành, liệt kê, so sánh với số liệu hiện tại."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        issue = actions.add_parser("issue", help="Phát hành một báo cáo (chốt số liệu và tệp)")
        issue.add_argument("--kind", required=True, choices=ReportKind.values)
        issue.add_argument("--date", help="Ngày cuối tuần báo cáo D (báo cáo tuần), YYYY-MM-DD")
        issue.add_argument("--rules", default="qd766")
        issue.add_argument("--cumulative", action="store_true")
        issue.add_argument("--plan", help="Kế hoạch (báo cáo tháng)")
        issue.add_argument("--month", help="Tháng báo cáo YYYY-MM (báo cáo tháng)")
        issue.add_argument("--number", required=True, help="Số văn bản, ví dụ 125/BC-VPUB")
        issue.add_argument("--signer-name")
        issue.add_argument("--signer-title")
        issue.add_argument("--document-date", help="Ngày của văn bản (mặc định hôm nay)")
        actions.add_parser("list", help="Các báo cáo đã phát hành")
        diff = actions.add_parser("diff", help="So sánh báo cáo đã phát hành với số liệu tính lại bây giờ")
        diff.add_argument("id", type=int)
        diff.add_argument("--json", action="store_true")

    def handle(self, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _issue(self, kind, date, rules, cumulative, plan, month, number, signer_name, signer_title, document_date,
               **options):
        document_day = _date(document_date, "--document-date") if document_date else _today()
        if kind == ReportKind.MONTHLY_PLAN:
            if not plan or not month:
                raise CommandError("--plan và --month là bắt buộc với báo cáo tháng")
            parameters = publishing.monthly_parameters(plan, _date(f"{month}-01", "--month"))
        else:
            if not date:
                raise CommandError("--date là bắt buộc với báo cáo tuần")
            try:
                load_ruleset(rules)
            except RuleSetError as exc:
                raise CommandError(f"--rules: {exc}") from None
            parameters = publishing.weekly_parameters(_date(date, "--date"), rules, cumulative)
        head = default_letterhead(kind, document_day).with_(number=number.strip())
        if signer_name is not None:
            head = head.with_(signer_name=signer_name.strip())
        if signer_title is not None:
            head = head.with_(signer_title=signer_title.replace("\\n", "\n").strip())
        try:
            published = publishing.issue_report(kind, parameters, head)
        except publishing.ReportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{published.pk}\t{published.number}\t{published.title}")
        for f in published.files.order_by("fmt"):
            self.stdout.write(f"  {f.filename}\t{f.size} bytes\tsha256 {f.sha256}")

    def _list(self, **options):
        for report in PublishedReport.objects.all():
            self.stdout.write(f"{report.pk}\t{report.kind}\t{report.number}\t{report.document_date.isoformat()}\t"
                              f"{report.title}")

    def _diff(self, id, json=False, **options):  # noqa: A002 (the argument's name)
        published = PublishedReport.objects.filter(pk=id).first()
        if published is None:
            raise CommandError(f"không có báo cáo đã phát hành số hiệu {id}")
        result = publishing.differences(published)
        if json:
            self.stdout.write(_json({"id": published.pk, "number": published.number, "kind": published.kind,
                                     "rules_changed": result.rules_changed, "data_changed": result.state_changed,
                                     "changes": [c.as_json() for c in result.changes]}))
        else:
            self.stdout.write(f"Báo cáo số {published.number} ({published.title}), phát hành "
                              f"{published.issued_at:%d/%m/%Y %H:%M}")
            if result.rules_changed:
                self.stdout.write("Tệp bộ quy tắc tính đã khác với khi phát hành.")
            if not result.changes:
                self.stdout.write("Không có số liệu nào thay đổi.")
            for c in result.changes:
                unit = f"{c.unit_name} ({c.unit_code})" if c.unit_code else c.unit_name
                self.stdout.write(f"{c.section}\t{unit}\t{c.item}\t{c.field}\t"
                                  f"đã phát hành: {c.shown(c.published)}\thiện tại: {c.shown(c.current)}")
        if result.changes:
            sys.exit(1)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _today() -> date:
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localdate()


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name}: không phải ngày YYYY-MM-DD: {value!r}") from None
