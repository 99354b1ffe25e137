"""`motcua forecast record [--from D --to D] [--rules NAME] [--date D]`: store today's forecasts (run daily)."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.forecasting import indexcast, targetcast
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib.workingtime import LOCAL_TZ
from motcua.targets.models import Target
from motcua.units.models import Unit


class Command(BaseCommand):
    help = ("Lưu dự báo hôm nay: tổng điểm và từng nhóm chỉ số 766 của mọi đơn vị đến cuối kỳ, từng chỉ tiêu đang "
            "có hiệu lực đến hết hạn (chạy hằng ngày). / Store today's forecasts of every unit's index and of "
            "every target in force (run daily).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["record"])
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat,
                            help="đầu kỳ (mặc định 1/1 năm nay) / period start")
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat,
                            help="cuối kỳ (mặc định 31/12 năm nay) / period end")
        parser.add_argument("--rules", default=DEFAULT_RULESET)
        parser.add_argument("--date", type=date.fromisoformat,
                            help="ghi như vào cuối ngày này (mặc định: bây giờ) / record as at the end of this day")

    def handle(self, *args, action, date_from, date_to, rules, date, **options):
        now = timezone.now()
        if date is not None:
            now = min(now, datetime.combine(date, time(23, 59, 59), LOCAL_TZ))
        today = now.astimezone(LOCAL_TZ).date()
        date_from = date_from or today.replace(month=1, day=1)
        date_to = date_to or today.replace(month=12, day=31)
        if date_to < date_from:
            raise CommandError("--to trước --from / the period ends before it starts")
        province = Unit.objects.filter(parent__isnull=True).order_by("position", "id").first()
        if province is None:
            raise CommandError("Chưa có đơn vị nào / no units yet")
        try:
            rows = indexcast.record(date_from, date_to, now=now, rules=rules)
        except ValueError as error:
            raise CommandError(str(error)) from error
        targets = Target.objects.active_on(today).select_related("unit", "officer")
        target_rows = targetcast.record_targets(targets, now=now, province_code=province.code)
        self.stdout.write(f"{len(rows)} dự báo chỉ số, {len(target_rows)} dự báo chỉ tiêu "
                          f"({date_from:%d/%m/%Y}–{date_to:%d/%m/%Y}, lập {today:%d/%m/%Y}).")
