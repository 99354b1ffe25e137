"""motcua plans load [FILE] · motcua plans remind [--today D] [--plan KEY] [--json]

`load` reads a plan's data file (default: motcua/plans/data/qd1565.toml, the plan of seed 003) into the
database, idempotently. `remind` puts in the outbox the monthly-report reminders due on the day (5 days
before the 20th, the last day, late), each once (motcua/plans/monthly.py); `motcua notify run` sends them.
Exit 0 on success, 2 for an unknown plan or an unreadable date.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.plans.models import Plan
from motcua.plans.monthly import remind
from motcua.plans.seeding import DEFAULT_FILE, load_plan

USAGE = 2


class Command(BaseCommand):
    help = "Nhiệm vụ kế hoạch: nạp kế hoạch, nhắc báo cáo tháng."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        load = verbs.add_parser("load", help="Nạp kế hoạch và nhiệm vụ từ tệp dữ liệu")
        load.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        run = verbs.add_parser("remind", help="Nhắc các đơn vị chưa gửi báo cáo tháng")
        run.add_argument("--today", default="", help="Ngày nhắc (YYYY-MM-DD, mặc định hôm nay)")
        run.add_argument("--plan", default="", help="Mã kế hoạch (mặc định mọi kế hoạch)")
        run.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        if verb == "load":
            result = load_plan(Path(options["file"]))
            self.stdout.write(f"Kế hoạch {result.plan.key}: {result.created} nhiệm vụ mới, {result.changed} thay đổi, "
                              f"{result.unchanged} không đổi.")
            if result.missing_units:
                self.stderr.write("Không tìm thấy đơn vị: " + ", ".join(result.missing_units))
            return
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {options['today']}", returncode=USAGE) from exc
        plans = Plan.objects.all()
        if options["plan"]:
            plans = plans.filter(key=options["plan"])
            if not plans.exists():
                raise CommandError(f"Không có kế hoạch {options['plan']}.", returncode=USAGE)
        totals = {}
        for plan in plans:
            run = remind(plan, today, site_url=getattr(settings, "MOTCUA_SITE_URL", ""))
            totals[plan.key] = {"queued": run.queued, "already": run.already, "no_address": run.no_address}
        if options["json"]:
            self.stdout.write(json.dumps(totals, ensure_ascii=False))
            return
        for key, run in totals.items():
            self.stdout.write(f"{key}: {run['queued']} thư nhắc vào hàng đợi gửi, {run['already']} đã nhắc trước đó; "
                              f"{len(run['no_address'])} đơn vị không có lãnh đạo có địa chỉ thư điện tử.")
