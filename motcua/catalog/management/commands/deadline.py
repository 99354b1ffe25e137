"""motcua deadline --procedure CODE --unit CODE --received DATETIME [--channel online]"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.catalog.models import Procedure
from motcua.units.models import Unit


class Command(BaseCommand):
    help = "In ngày hẹn trả (ISO 8601) của một hồ sơ theo thời gian làm việc."

    def add_arguments(self, parser):
        parser.add_argument("--procedure", required=True, help="Mã thủ tục")
        parser.add_argument("--unit", required=True, help="Mã đơn vị giải quyết")
        parser.add_argument("--received", required=True, help="Thời điểm tiếp nhận, ISO 8601 có múi giờ")
        parser.add_argument("--channel", default="in_person", choices=["in_person", "online", "postal"])

    def handle(self, procedure, unit, received, channel, **options):
        try:
            received_at = datetime.fromisoformat(received)
        except ValueError:
            raise CommandError(f"--received: không phải thời điểm ISO 8601: {received!r}") from None
        if received_at.tzinfo is None:
            raise CommandError("--received: thời điểm phải có múi giờ, ví dụ 2025-10-30T08:15:00+07:00")
        found = Procedure.objects.filter(code=procedure).first()
        if found is None:
            raise CommandError(f"--procedure: không có thủ tục mã {procedure}")
        if not Unit.objects.filter(code=unit).exists():
            raise CommandError(f"--unit: không có đơn vị mã {unit}")
        due = DeadlinePolicy().due(ProcedureLimit.of(found), unit, received_at, channel == "online")
        self.stdout.write(due.isoformat())
