"""motcua usage aggregate [--day YYYY-MM-DD]: close a day of usage (docs/usage.md). Without --day: yesterday,
the days whose abandoned applications settle now, and any older day not yet closed. Run it each night."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.lib.vnformat import padded_date
from motcua.usage.aggregate import aggregate


class Command(BaseCommand):
    help = "Tổng hợp số liệu sử dụng dịch vụ công trực tuyến của một ngày (docs/usage.md)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser("aggregate", help="Tổng hợp phễu nộp hồ sơ, xoá tập khách và khoá muối của ngày")
        run.add_argument("--day", help="YYYY-MM-DD (mặc định: hôm qua và các ngày chưa tổng hợp xong)")

    def handle(self, verb, day=None, **options):
        if day:
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--day: ngày không hợp lệ {day!r} (YYYY-MM-DD)", returncode=2) from None
        try:
            closed = aggregate(day)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        for c in closed:
            self.stdout.write(f"{padded_date(c.day)}: {c.funnel_rows} dòng nộp hồ sơ"
                              f"{'' if c.settled else ' (chưa chốt số bỏ dở)'}; đã xoá {c.purged_visitors} mã khách, "
                              f"{c.purged_salts} khoá muối")
