"""motcua payments reconcile --date YYYY-MM-DD [--json]

The daily reconciliation with the payment platform (interop.md §2): exit 0 when motcua and the platform
agree, 1 when there are differences (listed), 2 on a usage or configuration error, 3 when the platform
cannot be reached (nothing stored).
"""

import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.payments import reconcile

DIFFERENCES, USAGE, UNREACHABLE = 1, 2, 3


class Command(BaseCommand):
    help = "Thanh toán trực tuyến: đối soát hằng ngày với nền tảng thanh toán (interop.md §2)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser("reconcile", help="Đối soát giao dịch của một ngày")
        run.add_argument("--date", required=True, help="YYYY-MM-DD")
        run.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date: ngày không hợp lệ {options['date']!r} (YYYY-MM-DD)",
                               returncode=USAGE) from None
        if not (settings.MOTCUA_PAYMENT_URL and settings.MOTCUA_PAYMENT_TOKEN):
            raise CommandError("Chưa cấu hình MOTCUA_PAYMENT_URL và MOTCUA_PAYMENT_TOKEN.", returncode=USAGE)
        try:
            run = reconcile.reconcile(day)
        except reconcile.PlatformUnreachable as exc:
            raise CommandError(str(exc), returncode=UNREACHABLE) from None
        if options["json"]:
            self.stdout.write(json.dumps({"date": day.isoformat(), "local": run.local_count,
                                          "platform": run.platform_count, "differences": run.differences},
                                         ensure_ascii=False))
        else:
            self.stdout.write(reconcile.summary(run))
            for difference in run.differences:
                self.stdout.write(f"- {difference['text']}")
        if run.differences:
            raise SystemExit(DIFFERENCES)
